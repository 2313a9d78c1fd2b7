export * from './api-docs.module.js';
export * from './openapi-document.js';
