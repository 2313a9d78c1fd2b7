export * from './admin-command.js';
export * from './ban-decision.js';
export * from './dead-letter.js';
export * from './incident.js';
export * from './login-attempt.js';
export * from './topics.js';
export * from './verdict.js';
