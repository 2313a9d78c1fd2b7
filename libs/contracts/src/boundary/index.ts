/** Warden's one input boundary (DESIGN §8): parsers, normalizers and the fields every input schema is built from. */
export * from './account-name.js';
export * from './fields.js';
export * from './instant.js';
export * from './ip-address.js';
export * from './subject.js';
export * from './text.js';
