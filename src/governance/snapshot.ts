/**
 * What the control plane hands the workers for enforcement, and what workers send back. Workers never wait
 * on the main thread while serving: they enforce against the latest snapshot plus their own deltas that
 * the snapshot does not contain yet (acknowledged by batch sequence numbers).
 */
import type { Customer, Role, Team, VirtualKey } from './model.js';
import type { ProviderOverlay } from './provider-config.js';

export interface AdminUser { id: string; name: string; role: Role; tokenHash: string; createdAt: number }

export interface Settings {
  /** Requests without a valid virtual key are refused. */
  enforceAuth: boolean;
}

export interface GovernanceSnapshot {
  at: number;
  settings: Settings;
  keys: VirtualKey[];
  teams: Team[];
  customers: Customer[];
  /** Merged cluster-wide counter values for every current budget window and rate-limit minute. */
  counters: Record<string, number>;
  /** Per worker: the last usage batch already included in `counters`. */
  acks: Record<number, number>;
  admin: { tokenHashes: string[]; users: AdminUser[] };
  /** Prices overriding the bundled table (USD per 1M tokens), keyed "provider/model" or "model". */
  pricing: Record<string, { input: number; output: number; cached_input?: number }>;
  /** Providers added or replaced through the admin API; workers rebuild their providers when the version changes. */
  providers?: ProviderOverlay;
}

/** One finished request, for spend, rate and usage accounting. */
export interface UsageEvent {
  at: number;
  keyId?: string;
  teamId?: string;
  customerId?: string;
  provider: string;
  model: string;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** Budget counters to charge (current windows): [counter key, when its window ends]. */
  spendKeys: Array<[string, number]>;
  /** Rate counters to add to: [counter key, amount]. */
  rateKeys: Array<[string, number]>;
}

/** A worker's counter deltas since its last batch, summed per counter: [key, amount, expiresAt]. */
export interface UsageBatch { worker: number; seq: number; counters: Array<[string, number, number]> }
