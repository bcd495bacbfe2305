// Placeholder until the gemini adapter lands: replace with `export { GeminiProvider } from './adapter.js';`.
import { unimplementedProvider } from '../unimplemented.js';

export const GeminiProvider = unimplementedProvider('gemini');
