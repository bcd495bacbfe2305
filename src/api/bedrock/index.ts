export { bedrockRoutes } from './routes.js';
export { bedrockDialect } from './dialect.js';
