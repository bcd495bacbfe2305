export { BedrockProvider } from './adapter.js';
