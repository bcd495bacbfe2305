export { VertexProvider } from './adapter.js';
