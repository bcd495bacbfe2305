/**
 * Switchyard with a chosen feature set, for arms that compare features on/off:
 * - governance: enforce_auth on, one virtual key with a budget and an rpm limit far above the offered load
 *   (created through the admin API like an operator would), requests carry that key;
 * - requestLog: the request log (on by default) on or off. Metrics are always on.
 */
import { request } from 'undici';
import { startSwitchyard, type SwitchyardOptions } from './switchyard.js';
import type { StartedServer } from './our-servers.js';

export const BENCH_ADMIN_TOKEN = 'sy-admin-bench-token-0123456789abcdef';

export interface FeatureOptions extends Omit<SwitchyardOptions, 'extraConfig'> {
  governance: boolean;
  requestLog: boolean;
  /** merged into the generated config after the feature settings */
  extraConfig?: Record<string, unknown>;
  /** a model that answers 200 through this gateway, used to wait until the key reached the workers */
  probeModel?: string;
}

export interface SwitchyardArm extends StartedServer {
  /** headers every request must carry (the virtual key when governance is on) */
  headers: Record<string, string>;
}

export async function startSwitchyardArm(o: FeatureOptions): Promise<SwitchyardArm> {
  const extra: Record<string, unknown> = {
    observability: { request_log: { enabled: o.requestLog } },
    ...(o.governance ? { auth: { enforce_auth: true, admin_token: BENCH_ADMIN_TOKEN } } : {}),
    ...o.extraConfig,
  };
  const g = await startSwitchyard({ ...o, extraConfig: extra });
  if (!o.governance) return { ...g, headers: {} };
  try {
    const key = await createKey(g.origin);
    const headers = { authorization: `Bearer ${key}` };
    await waitUntilAccepted(g.origin, headers, o.probeModel ?? `${o.provider ?? 'up'}/gpt-4o-mini`);
    return { ...g, headers };
  } catch (err) {
    await g.service.stop();
    throw err;
  }
}

async function createKey(origin: string): Promise<string> {
  const res = await request(`${origin}/api/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
    body: JSON.stringify({ name: 'bench', budgets: [{ amountUsd: 1_000_000, period: '1M' }], limits: { rpm: 100_000_000 } }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201) throw new Error(`POST /api/keys answered ${res.statusCode}: ${text.slice(0, 300)}`);
  const key = (JSON.parse(text) as { key?: unknown }).key;
  if (typeof key !== 'string') throw new Error('POST /api/keys: no key in the answer');
  return key;
}

/** Keys reach the workers in the next snapshot; wait until one request with the key passes. */
async function waitUntilAccepted(origin: string, headers: Record<string, string>, model: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    const res = await request(`${origin}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }] }),
    });
    last = `${res.statusCode} ${(await res.body.text()).slice(0, 200)}`;
    if (res.statusCode === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`virtual key not accepted within 10 s (last answer: ${last})`);
}
