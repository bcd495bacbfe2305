export { openaiRoutes, openaiDialect } from './openai/index.js';
