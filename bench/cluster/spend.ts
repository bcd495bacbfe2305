/**
 * Spend convergence: one request with a virtual key (with a budget) on node 0, priced exactly $1.00 by a
 * pricing override; measured from the answer reaching the client until each node's /api/usage for that
 * key shows the new total. Totals are cumulative over repetitions, so each one waits for a new value.
 */
import { SPEND_MODEL, SPEND_PROMPT, SPEND_USD_PER_REQUEST, type BenchContext } from './context.js';
import type { GatewayNode } from './gateway-cluster.js';
import { chat, postJson, sleep } from './http.js';
import { watchNodes } from './watch.js';

export interface SpendSample {
  /** the key's total every node had to reach, USD */
  expectedUsd: number;
  /** per node: first seen at the new total, ms after node 0's answer reached the client */
  fromAnswerMs: number[];
}

export interface SpendKey { id: string; key: string }

/** Creates a virtual key with a (generous) daily budget on node 0 and waits until node 0 accepts it. */
export async function createSpendKey(ctx: BenchContext, name: string): Promise<SpendKey> {
  const node0 = ctx.cluster.nodes[0]!;
  const r = await postJson<{ id: string; key: string }>(`${node0.origin}/api/keys`, { name, budgets: [{ amountUsd: 1_000_000, period: '1d' }] },
    { authorization: `Bearer ${ctx.cluster.adminToken}` });
  if (r.status !== 201) throw new Error(`POST /api/keys answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
  return { id: r.body.id, key: r.body.key };
}

/** The key's spend over every period, as this node reports it. */
export async function keySpend(node: GatewayNode, keyId: string): Promise<number> {
  const r = await node.api<{ data: Array<{ spend_usd: number }> }>(`/api/usage?group_by=key&granularity=day&value=${encodeURIComponent(keyId)}`);
  return r.data.reduce((sum, row) => sum + row.spend_usd, 0);
}

export async function measureSpend(ctx: BenchContext, reps: number): Promise<SpendSample[]> {
  const node0 = ctx.cluster.nodes[0]!;
  const key = await createSpendKey(ctx, `bench-spend-${ctx.tag}`);
  const auth = { authorization: `Bearer ${key.key}` };
  let total = await keySpend(node0, key.id);
  const out: SpendSample[] = [];
  for (let rep = 0; rep < reps; rep++) {
    ctx.progress.step(`spend convergence ${rep + 1}/${reps}`, 500);
    const { status, answeredAt } = await chargeOnce(node0, auth);
    if (status !== 200) throw new Error(`request with the virtual key answered ${status}`);
    total += SPEND_USD_PER_REQUEST;
    const expected = total;
    const seen = await watchNodes(ctx.cluster.nodes, (n) => keySpend(n, key.id), (v) => v >= expected - 1e-9,
      { everyMs: ctx.pollMs, timeoutMs: 15_000, label: `spend of the key at $${expected}` });
    const off = seen.values.find((v) => Math.abs(v - expected) > 1e-9);
    if (off !== undefined) throw new Error(`a node shows $${off} for the key, expected exactly $${expected}`);
    out.push({ expectedUsd: expected, fromAnswerMs: seen.seenAt.map((t) => t - answeredAt) });
  }
  return out;
}

/** One priced request; a new key may take a moment to reach node 0's worker (401 until then, not charged). */
async function chargeOnce(node0: GatewayNode, auth: Record<string, string>): Promise<{ status: number; answeredAt: number }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const status = await chat(node0.origin, SPEND_MODEL, auth, SPEND_PROMPT);
    if (status !== 401 || Date.now() > deadline) return { status, answeredAt: Date.now() };
    await sleep(50);
  }
}
