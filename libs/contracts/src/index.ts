export * from './dead-letter.js';
export * from './login-attempt.js';
export * from './topics.js';
