import { request } from 'undici';
import type { MockStats } from '../mock/index.js';

/** The mock's request counters (GET /__mock/stats): proof of what reached the upstream. */
export async function mockStats(origin: string): Promise<MockStats> {
  const res = await request(`${origin}/__mock/stats`);
  return (await res.body.json()) as MockStats;
}
