/**
 * JSON-lines logs via pino, written straight to fd 1 (also from worker threads, bypassing the
 * main-thread stdout relay). Anything that could carry a secret is redacted by path as a second line of
 * defence; the request log itself never includes headers or bodies.
 */
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'authorization', 'headers.authorization', 'headers["x-api-key"]', 'headers["api-key"]', 'headers["x-goog-api-key"]',
  'apiKey', 'api_key', '*.apiKey', '*.api_key', 'providers.*.apiKey', 'config.providers.*.apiKey', 'key', '*.key',
];

export type { Logger };

export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid, ...bindings },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: false, minLength: 0 }),
  );
}
