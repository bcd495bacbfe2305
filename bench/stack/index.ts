/** The systems under test, each as its own process: mock upstream, bare proxy, Switchyard. */
export { startMockProcess, startBareProxyProcess, type StartedServer } from './our-servers.js';
export { startSwitchyard, switchyardBuilt, GatewayUnavailableError, type SwitchyardOptions } from './switchyard.js';
export { preflightChat } from './preflight.js';
