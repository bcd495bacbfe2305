// Placeholder until the vertex adapter lands: replace with `export { VertexProvider } from './adapter.js';`.
import { unimplementedProvider } from '../unimplemented.js';

export const VertexProvider = unimplementedProvider('vertex');
