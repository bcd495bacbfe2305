/**
 * The OpenAI wire dialect: error shape {"error":{message,type,param,code}} and SSE framing
 * (`data: <json>\n\n`, closed by `data: [DONE]`). A stream that fails after it started ends with a
 * `data: {"error":...}` event and no [DONE], which the OpenAI SDKs raise as an error.
 */
import type { GatewayError } from '../../core/errors.js';
import type { Dialect } from '../../http/index.js';

export function errorObject(err: GatewayError): { error: Record<string, unknown> } {
  const error: Record<string, unknown> = { message: err.message, type: err.type, param: err.param, code: err.code };
  if (err.provider) error.provider = err.provider;
  return { error };
}

export const openaiDialect: Dialect = {
  name: 'openai',
  errorBody: (err) => JSON.stringify(errorObject(err)),
};

export function sseData(objs: unknown[]): string {
  let s = '';
  for (const o of objs) s += `data: ${JSON.stringify(o)}\n\n`;
  return s;
}

export const SSE_DONE = 'data: [DONE]\n\n';

export function sseError(err: GatewayError): string {
  return `data: ${JSON.stringify(errorObject(err))}\n\n`;
}
