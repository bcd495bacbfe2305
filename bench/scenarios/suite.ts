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

export const SCENARIOS: Scenario[] = [overheadSuite, streaming, largePrompts, manyStreams, invalidKeys, fallback, translation, governance, throughput];
