/**
 * The arms of the overhead comparison, all started up front and kept running so they can alternate in
 * short rounds: direct (load generator -> mock), bare proxy, Switchyard with one worker and with its
 * default worker count.
 */
import os from 'node:os';
import type { Progress } from '../../lib/index.js';
import { GatewayUnavailableError, portkeyHeaders, startBareProxyProcess, startPortkey, startSwitchyard, startSwitchyardArm, type StartedServer } from '../../stack/index.js';
import type { Arm } from '../side-by-side/index.js';
import type { ArmId } from './options.js';

export interface SkippedArm {
  id: ArmId;
  reason: string;
}

export const OVERHEAD_HEADER = 'x-switchyard-overhead-us';

/** Starts the requested arms; a gateway that cannot start (not built yet) is skipped with a warning. */
export async function startArms(ids: ArmId[], mock: StartedServer, connections: number, progress: Progress): Promise<{ arms: Arm[]; skipped: SkippedArm[] }> {
  const arms: Arm[] = [];
  const skipped: SkippedArm[] = [];
  try {
    for (const id of ids) {
      if (id === 'direct') {
        arms.push({ id, label: 'direct (loadgen -> mock)', origin: mock.origin, server: null });
      } else if (id === 'bare-proxy') {
        const p = await startBareProxyProcess(mock.origin, connections);
        arms.push({ id, label: 'bare proxy (uWS + undici)', origin: p.origin, server: p });
      } else if (id === 'switchyard-full' || id === 'portkey') {
        try {
          if (id === 'portkey') {
            const p = await startPortkey();
            arms.push({ id, label: 'portkey (@portkey-ai/gateway)', origin: p.origin, server: p, request: { headers: portkeyHeaders(mock.origin) } });
          } else {
            const g = await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: true, requestLog: true });
            arms.push({ id, label: 'switchyard full (key+budget+rpm+log+metrics)', origin: g.origin, server: g, overheadHeader: OVERHEAD_HEADER, request: { headers: g.headers } });
          }
        } catch (err) {
          if (!(err instanceof GatewayUnavailableError)) throw err;
          skipped.push({ id, reason: err.message.split('\n')[0] });
          progress.log(`warning: arm ${id} skipped: ${err.message}`);
        }
      } else {
        const workers = id === 'switchyard-1' ? 1 : undefined;
        try {
          const g = await startSwitchyard({ upstreamOrigin: mock.origin, workers });
          const label = workers ? 'switchyard (1 worker)' : `switchyard (default workers = ${os.availableParallelism()})`;
          arms.push({ id, label, origin: g.origin, server: g, overheadHeader: OVERHEAD_HEADER });
        } catch (err) {
          if (!(err instanceof GatewayUnavailableError)) throw err;
          skipped.push({ id, reason: err.message.split('\n')[0] });
          progress.log(`warning: arm ${id} skipped: ${err.message}`);
        }
      }
    }
  } catch (err) {
    await stopArms(arms);
    throw err;
  }
  return { arms, skipped };
}

export async function stopArms(arms: Arm[]): Promise<void> {
  await Promise.all(arms.map((a) => a.server?.service.stop()));
}
