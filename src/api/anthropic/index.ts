export { anthropicRoutes } from './routes.js';
export { anthropicDialect } from './dialect.js';
