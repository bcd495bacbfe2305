// Placeholder until the cohere adapter lands: replace with `export { CohereProvider } from './adapter.js';`.
import { unimplementedProvider } from '../unimplemented.js';

export const CohereProvider = unimplementedProvider('cohere');
