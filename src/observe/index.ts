export { createLogger, REDACT_PATHS, type Logger } from './logger.js';
export { WorkerMetrics, LabelLimiter } from './metrics.js';
export { NodeMetrics, METRICS_CONTENT_TYPE, type ClusterMetricsSource } from './aggregate.js';
export { createTracing, type RequestTracing, type TracingConfig, type AttemptTarget, type AttemptEnd } from './tracing.js';
export { RequestLogQueue, type RequestLogQueueOptions } from './request-log-queue.js';
export { toLogEntry, shouldLog } from './request-log-entry.js';
export { observeRoutes, type BodyCapture } from './observe-routes.js';
