export { cohereRoutes } from './routes.js';
export { cohereDialect } from './dialect.js';
