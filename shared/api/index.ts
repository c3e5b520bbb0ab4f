export * from './errors.js';
export * from './auth.js';
export * from './models.js';
export * from './rollout.js';
export * from './events.js';
export * from './audit.js';
export * from './system.js';
export * from './serving.js';
