export { genaiRoutes } from './routes.js';
export { genaiDialect, errorObject as genaiErrorObject } from './dialect.js';
