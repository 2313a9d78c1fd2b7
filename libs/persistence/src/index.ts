export * from './database.js';
export * from './migrator.js';
export * from './persistence.module.js';
export * from './ban-engine.transaction.js';
export * from './bans/bans.repository.js';
export * from './audit-log/incident-stats.repository.js';
export * from './login-attempts/login-attempts.repository.js';
