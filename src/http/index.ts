export { DataPlane, type Route, type RequestHeaders, type ServerOptions } from './server.js';
export { HttpContext, type Dialect, type ContextHooks } from './context.js';
export { sendBody, sendError, sseWrite, sseEnd, streamWrite, streamEnd, statusLine } from './respond.js';
export { nodeInFlightCap } from './overload.js';
