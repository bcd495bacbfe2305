/** The bare proxy: the fastest "gateway" Node can be (uWS + undici, no features), as a benchmark floor. */
export { startBareProxy, type BareProxyOptions, type RunningProxy } from './bare.js';
