export { createLogger, REDACT_PATHS, type Logger } from './logger.js';
export { WorkerMetrics, LabelLimiter } from './metrics.js';
export { NodeMetrics, METRICS_CONTENT_TYPE, type ClusterMetricsSource } from './aggregate.js';
