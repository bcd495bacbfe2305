export { GeminiProvider } from './adapter.js';
