// Placeholder until the anthropic adapter lands: replace with `export { AnthropicProvider } from './adapter.js';`.
import { unimplementedProvider } from '../unimplemented.js';

export const AnthropicProvider = unimplementedProvider('anthropic');
