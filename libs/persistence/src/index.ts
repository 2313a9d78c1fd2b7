export * from './database.js';
export * from './login-attempt.repository.js';
export * from './migrator.js';
export * from './persistence.module.js';
