// Placeholder until the bedrock adapter lands: replace with `export { BedrockProvider } from './adapter.js';`.
import { unimplementedProvider } from '../unimplemented.js';

export const BedrockProvider = unimplementedProvider('bedrock');
