export * from './dead-letters.js';
export * from './in-process-message-bus.js';
export * from './json-record-decoder.js';
export * from './kafka-message-bus.js';
export * from './message-bus.js';
export * from './messaging.module.js';
export * from './bus-metrics.js';
