// The pure logic every side shares: canonical JSON and hashing, gate maths,
// the rollout machine, bucket routing, intent digests and the audit chain.
export * from './canonical-json.js';
export * from './gate.js';
export * from './rollout-machine.js';
export * from './routing.js';
export * from './intent.js';
export * from './audit-chain.js';
export * from './online-gate.js';
