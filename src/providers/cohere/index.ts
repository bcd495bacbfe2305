export { CohereProvider } from './adapter.js';
