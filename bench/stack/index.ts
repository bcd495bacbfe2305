/** The systems under test, each as its own process: mock upstream, bare proxy, Switchyard, Portkey. */
export { startMockProcess, startBareProxyProcess, type StartedServer } from './our-servers.js';
export { startSwitchyard, switchyardBuilt, GatewayUnavailableError, type SwitchyardOptions } from './switchyard.js';
export { startSwitchyardArm, BENCH_ADMIN_TOKEN, type FeatureOptions, type SwitchyardArm } from './switchyard-arm.js';
export { startPortkey, portkeyHeaders, portkeyFallbackConfig, portkeyScript } from './portkey.js';
export { preflightChat } from './preflight.js';
export { mockStats } from './mock-stats.js';
