export * from './database.js';
export * from './migrator.js';
export * from './persistence.module.js';
export * from './ban-engine.transaction.js';
export * from './recorded-attempts.repository.js';
