/** OpenAI error objects: `{"error":{"message","type","param","code"}}`, with the type/code OpenAI uses per status. */

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAIError(message: string, type: string, code: string | null = null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** The body a real OpenAI endpoint sends for a given status when nothing more specific applies. */
export function errorForStatus(status: number): OpenAIErrorBody {
  switch (status) {
    case 400: return openAIError('Invalid request.', 'invalid_request_error');
    case 401: return openAIError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    case 403: return openAIError('You are not allowed to access this resource.', 'permission_error', 'unsupported_country_region_territory');
    case 404: return openAIError('The requested resource does not exist.', 'invalid_request_error', 'not_found');
    case 408: return openAIError('Request timed out.', 'timeout', null);
    case 409: return openAIError('The request conflicts with the current state of the resource.', 'invalid_request_error', 'conflict');
    case 422: return openAIError('The request could not be processed.', 'invalid_request_error');
    case 429: return openAIError('Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded');
    case 500: return openAIError('The server had an error while processing your request. Sorry about that!', 'server_error');
    case 502: return openAIError('Bad gateway.', 'server_error');
    case 503: return openAIError('The server is overloaded or not ready yet.', 'server_error');
    case 504: return openAIError('Gateway timeout.', 'server_error');
    default: return status >= 500
      ? openAIError(`The server had an error (status ${status}).`, 'server_error')
      : openAIError(`The request failed (status ${status}).`, 'invalid_request_error');
  }
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): OpenAIErrorBody {
  return openAIError(message, 'invalid_request_error', code, param);
}

/** `error-<status>` model names ask the mock to fail with that status (400..599); other names return undefined. */
export function statusFromErrorModel(model: unknown): number | undefined {
  if (typeof model !== 'string') return undefined;
  const m = /^error-(\d{3})$/.exec(model);
  if (!m) return undefined;
  const status = Number(m[1]);
  return status >= 400 && status <= 599 ? status : undefined;
}
