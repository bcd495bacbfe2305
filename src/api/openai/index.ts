export { openaiRoutes } from './routes.js';
export { openaiDialect, errorObject } from './dialect.js';
