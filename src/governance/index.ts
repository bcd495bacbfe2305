// Public surface of governance: pure, deterministic building blocks (callers pass `now`).
export * from './keys.js';
export * from './auth.js';
export * from './model.js';
export * from './periods.js';
export * from './patterns.js';
export * from './hierarchy.js';
export * from './rate-limit.js';
export * from './rbac.js';
export * from './pricing.js';
export * from './audit.js';
export * from './snapshot.js';
export { Enforcer, estimateTokens, type Ticket, type PriceFn } from './enforcer.js';
export { GovernanceService, type Actor, type GovernanceStore } from './service.js';
export { queryUsage, DIMENSIONS, type UsageQuery, type Dimension } from './usage.js';
export { AuditChain, type NodeAuditEntry } from './audit-chain.js';
export { createConcurrencyBuffer, NodeInFlight, resetWorkerRow, SharedConcurrency } from './shared-concurrency.js';
