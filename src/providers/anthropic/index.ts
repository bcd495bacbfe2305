export { AnthropicProvider, ANTHROPIC_VERSION } from './adapter.js';
// The Messages API conversion, shared with Anthropic models on Vertex AI.
export { toAnthropicRequest } from './request.js';
export { toChatResponse } from './response.js';
export { AnthropicStreamParser } from './stream.js';
export { anthropicChunks } from './events.js';
export type { AnthropicResponse, AnthropicStreamEvent } from './wire.js';
