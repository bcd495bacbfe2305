export { startNode, handleSignals, StartupError, type RunningNode } from './main.js';
export { uwsStatus, FALLBACK_ERROR } from './uws-check.js';
export { spawnWorkersEarly, type EarlyWorkers } from './early-workers.js';
