import type { Provider } from '../providers/index.js';

/** A resolved (provider, upstream model) pair. */
export interface Target { provider: Provider; model: string }
