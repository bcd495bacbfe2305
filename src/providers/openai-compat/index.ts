export { OpenAICompatProvider } from './adapter.js';
