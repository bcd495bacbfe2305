/** CPU profiles of the bare proxy and Switchyard under the loads behind the missed targets (`npm run bench:profile`). */
export { ARMS, LOADS, profileLoad, type ArmProfile, type ProfileLoad, type RunOptions } from './run.js';
export { categoryTable, hottestTable, type LoadProfile } from './tables.js';
export { categoryOf, leafName } from './attribute.js';
export { mergeStacks, readCpuProfile, shortPath, stacksIn, type CpuProfile, type Frame, type StackTime } from './cpuprofile.js';
export { pruneStacks } from './prune.js';
