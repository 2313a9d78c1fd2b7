export * from './api-keys.js';
export * from './warden-config.js';
export * from './policy-file.js';
export * from './trusted-proxies.js';
export * from './listen-addresses.js';
