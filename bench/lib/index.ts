/** Shared bench plumbing: processes, ports, machine description, results files, tables, progress, CLI options. */
export { nodeScript, type NodeScript } from './script.js';
export { spawnService, exitWithParent, killAll, track, type Service, type ServiceOptions } from './processes.js';
export { freePort } from './ports.js';
export { tempDir } from './temp-dir.js';
export { waitForHttpOk } from './http-ready.js';
export { assertNativeUws } from './uws-native.js';
export { describeMachine, machineLine, type MachineDescription } from './machine.js';
export { processCpuUs } from './proc-cpu.js';
export { processMemoryKb, sampleRss } from './proc-mem.js';
export { RESULTS_SCHEMA, isoDate, newestPerScenario, readResults, repoRoot, resultsDir, resultsPath, writeResults, type ResultsFile } from './results.js';
export { formatCell, renderMarkdown, renderText, type Cell, type Table } from './table.js';
export { resultsToMarkdown } from './markdown.js';
export { Progress } from './progress.js';
export { opt, parseCli, helpText, UsageError } from './cli.js';
