import type { MockStats } from './options.js';

export interface RunningMock {
  port: number;
  /** live counters (the same object the server updates) */
  stats: MockStats;
  close(): Promise<void>;
}
