/** Helpers of the translation matrix: every provider's mock upstream, and one driver per ingress dialect. */
export { startUpstreams, PROVIDER_LABELS, BEDROCK_CREDS, type ProviderCase, type Upstreams } from './upstreams.js';
export { dialectDrivers, DIALECT_NAMES, TOOL_NAMES, type DialectDriver, type StreamedCall, type StreamedText } from './dialects.js';
export { PNG_B64, PNG_BYTES, PNG_DATA_URL, bodyWithMarker, imagesIn } from './images.js';
export { startAimock, AIMOCK_TARGETS, AIMOCK_TEXT, AIMOCK_TOOL_CALLS, AIMOCK_CHUNK, TEXT_PROMPT, TOOLS_PROMPT, type Aimock, type AimockTarget } from './aimock.js';
