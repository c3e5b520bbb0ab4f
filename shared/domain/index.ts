export * from './primitives.js';
export * from './gate.js';
export * from './model.js';
export * from './eval-run.js';
export * from './deployment.js';
export * from './change-request.js';
export * from './audit.js';
export * from './user.js';
