/** The suite's scenarios, in the order they run. */
import type { Scenario } from './common/index.js';
import { overheadSuite } from './overhead/suite.js';
import { streaming } from './streaming/index.js';
import { largePrompts } from './large-prompts/index.js';
import { manyStreams } from './many-streams/index.js';
import { invalidKeys } from './invalid-keys/index.js';
import { fallback } from './fallback/index.js';
import { translation } from './translation/index.js';
import { governance } from './governance/index.js';
import { throughput } from './throughput/index.js';
import { upstreamHttp2 } from './upstream-http2/index.js';

export const SCENARIOS: Scenario[] = [overheadSuite, streaming, largePrompts, manyStreams, invalidKeys, fallback, translation, governance, throughput, upstreamHttp2];
/** Run only when named in --only (full mode must stay under 15 minutes). */
export const OPT_IN = new Set(['upstream-http2']);
