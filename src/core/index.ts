export * from './types.js';
export { GatewayError, badRequest, notFound, overloadedError, toGatewayError, type ErrorType, type GatewayErrorInit } from './errors.js';
export { RequestState } from './request-state.js';
export type { ResponseSink } from './sink.js';
export type { Target } from './resolve.js';
export { unary, streamed, target, route, type GatewayState } from './pipeline.js';
export { openFilesLimit, freeDescriptors } from './descriptors.js';
export { newRequestId } from './request-id.js';
export { giveWay, LARGE_BODY_BYTES } from './give-way.js';
