/** The usual trio of arms for peer comparisons: direct to the mock, Switchyard (default), Portkey. */
import { portkeyHeaders, startPortkey, startSwitchyardArm, type StartedServer } from '../../stack/index.js';
import { OVERHEAD_HEADER } from '../overhead/arms.js';
import type { Arm } from '../side-by-side/index.js';
import type { ScenarioContext } from './index.js';

export async function peerArms(ctx: ScenarioContext, mock: StartedServer, servers: StartedServer[], opts: { portkey?: boolean } = {}): Promise<Arm[]> {
  const sy = await startSwitchyardArm({ upstreamOrigin: mock.origin, governance: false, requestLog: true });
  servers.push(sy);
  const arms: Arm[] = [
    { id: 'direct', label: 'direct', origin: mock.origin, server: null },
    { id: 'switchyard', label: 'switchyard', origin: sy.origin, server: sy, overheadHeader: OVERHEAD_HEADER },
  ];
  if (opts.portkey !== false) {
    const pk = await startPortkey().catch((e: Error) => { ctx.progress.log(`warning: portkey skipped: ${e.message}`); return null; });
    if (pk) {
      servers.push(pk);
      arms.push({ id: 'portkey', label: 'portkey', origin: pk.origin, server: pk, request: { headers: portkeyHeaders(mock.origin) } });
    }
  }
  return arms;
}
