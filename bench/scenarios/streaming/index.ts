/**
 * Streaming: TTFT overhead and inter-chunk jitter versus direct while the mock streams N chunks at a fixed
 * interval; then a streamed tool call reassembled exactly under load (mismatches must be 0).
 */
import { TOOL_CALL, toolCallArguments } from '../../mock/index.js';
import { portkeyHeaders, startMockProcess, startPortkey, startSwitchyardArm, type StartedServer } from '../../stack/index.js';
import { CHAT_PATH, chatBody, loadAvg, resultsFile, stopAll, target, type Scenario, type ScenarioContext, type Target } from '../common/index.js';
import { pct, streamSideBySide, streamTable, type StreamArm } from '../common/streams.js';

const T = (quick: boolean) => quick
  ? { chunks: 10, intervalMs: 10, concurrency: 8, rounds: 1, slotMs: 800, warmupMs: 200, toolConcurrency: 32, toolMs: 1000 }
  : { chunks: 20, intervalMs: 10, concurrency: 16, rounds: 1, slotMs: 2000, warmupMs: 400, toolConcurrency: 128, toolMs: 3000 };

const TOOLS = [{ type: 'function', function: { name: TOOL_CALL.name, description: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];

export const streaming: Scenario = {
  name: 'streaming',
  expectedS: (q) => { const t = T(q); return (3 * t.rounds * (t.slotMs + t.warmupMs) + 2 * (t.toolMs + 500)) / 1000 + 3; },
  async run(ctx: ScenarioContext) {
    const startedAt = new Date().toISOString();
    const la = loadAvg();
    const t = T(ctx.quick);
    const mock = await startMockProcess({ chunks: t.chunks, chunkIntervalMs: t.intervalMs });
    const servers: StartedServer[] = [mock];
    try {
      const sy = await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: false, requestLog: true });
      servers.push(sy);
      const pk = await startPortkey().catch((e: Error) => { ctx.progress.log(`warning: portkey skipped: ${e.message}`); return null; });
      if (pk) servers.push(pk);
      const arms: StreamArm[] = [
        { id: 'direct', label: 'direct', origin: mock.origin },
        { id: 'switchyard', label: 'switchyard', origin: sy.origin },
        ...(pk ? [{ id: 'portkey', label: 'portkey', origin: pk.origin, headers: portkeyHeaders(mock.origin) }] : []),
      ];
      const body = chatBody({ stream: true });
      const figs = await streamSideBySide(ctx, arms, { label: 'streaming', path: CHAT_PATH, body, concurrency: t.concurrency, rounds: t.rounds, slotMs: t.slotMs, warmupMs: t.warmupMs });
      const toolArms = arms.filter((a) => a.id !== 'direct');
      const expectToolCall = { id: TOOL_CALL.id, name: TOOL_CALL.name, arguments: toolCallArguments() };
      const tool = await streamSideBySide(ctx, toolArms, {
        label: 'tool-call stream', path: CHAT_PATH, body: chatBody({ stream: true, tools: TOOLS }), concurrency: t.toolConcurrency,
        rounds: 1, slotMs: t.toolMs, warmupMs: 0, expectToolCall,
      });
      const by = (id: string) => figs.find((f) => f.arm === id);
      const d = by('direct')!, s = by('switchyard')!, p = by('portkey');
      const targets: Target[] = [
        target('streamed tool call reassembled exactly under load (switchyard)', `${tool[0].toolCallMismatches} mismatches / ${tool[0].toolCallsChecked} streams, ${tool[0].errors} errors`, tool[0].toolCallMismatches === 0 && tool[0].errors === 0 && tool[0].toolCallsChecked > 0),
        target('streaming TTFT p99 overhead vs direct ≤ 1 ms', `${pct(s.ttft, 99) - pct(d.ttft, 99)} µs`, pct(s.ttft, 99) - pct(d.ttft, 99) <= 1000),
      ];
      if (p) {
        targets.push(target('ahead of Portkey: streaming TTFT p99', `switchyard ${pct(s.ttft, 99)} µs vs portkey ${pct(p.ttft, 99)} µs`, pct(s.ttft, 99) < pct(p.ttft, 99)));
        targets.push(target('ahead of Portkey: inter-chunk gap p99', `switchyard ${pct(s.gaps, 99)} µs vs portkey ${pct(p.gaps, 99)} µs`, pct(s.gaps, 99) <= pct(p.gaps, 99)));
      }
      const toolTable = {
        title: 'Streamed tool call reassembled under load',
        columns: ['arm', 'concurrent streams', 'streams checked', 'mismatches', 'errors', 'TTFT p99', 'stream p99'],
        rows: tool.map((f) => [f.label, t.toolConcurrency, f.toolCallsChecked, f.toolCallMismatches, f.errors ? `${f.errors} ${JSON.stringify(f.errorsByKind)}` : 0, pct(f.ttft, 99), pct(f.total, 99)]),
        notes: ['Each stream carries one tool call split over 12 argument deltas; the client concatenates id, name and arguments and compares byte for byte.'],
      };
      return resultsFile('streaming', ctx, startedAt, { ...t, armsRun: arms.map((a) => a.id) },
        [streamTable(`Streaming, ${t.concurrency} concurrent streams, ${t.chunks} chunks every ${t.intervalMs} ms`, figs, 'direct'), toolTable],
        { targets, loadAverageStart: la, streams: figs, toolCalls: tool });
    } finally {
      await stopAll(servers);
    }
  },
};
