export * from './api-key.guard.js';
export * from './http-app.js';
export * from './http-kit.module.js';
export * from './problem.js';
export * from './problem-details.filter.js';
export * from './readiness.js';
export * from './require-scope.decorator.js';
export * from './app-root.js';
