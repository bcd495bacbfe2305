export { MockProvider } from './adapter.js';
