export { AnthropicProvider, ANTHROPIC_VERSION } from './adapter.js';
