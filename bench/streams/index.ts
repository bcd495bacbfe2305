/** Streaming measurements: TTFT, inter-chunk gaps, tool-call reassembly (see probe.ts). */
export { runStreams, type ExpectedToolCall, type StreamResult, type StreamSpec } from './probe.js';
