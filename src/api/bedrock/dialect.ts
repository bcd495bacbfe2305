/**
 * The Bedrock Runtime error shape: the error's name in the `x-amzn-errortype` header and `{"message"}` as
 * body (the AWS SDKs read the name from the header to pick the exception class). Inside a ConverseStream
 * an error is an event-stream message with `:message-type: exception` and `:exception-type`.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 */
import type { GatewayError } from '../../core/errors.js';
import type { Dialect } from '../../http/index.js';

const NAME_BY_STATUS: Record<number, string> = {
  400: 'ValidationException', 401: 'AccessDeniedException', 403: 'AccessDeniedException', 404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException', 413: 'ValidationException', 422: 'ValidationException', 424: 'ModelErrorException',
  429: 'ThrottlingException', 499: 'ValidationException', 500: 'InternalServerException', 502: 'ModelErrorException',
  503: 'ServiceUnavailableException', 504: 'ModelTimeoutException',
};

/** The Bedrock exception name for an error: an upstream Bedrock name is kept, others follow the status. */
export function exceptionName(err: GatewayError): string {
  if (/^[A-Z][A-Za-z]*Exception$/.test(err.type)) return err.type;
  return NAME_BY_STATUS[err.status] ?? (err.status >= 500 ? 'InternalServerException' : 'ValidationException');
}

/** The ConverseStream exception member for an error after the stream started. */
export function streamExceptionType(err: GatewayError): string {
  switch (exceptionName(err)) {
    case 'ValidationException': return 'validationException';
    case 'ThrottlingException': return 'throttlingException';
    case 'ServiceUnavailableException': return 'serviceUnavailableException';
    case 'ModelErrorException':
    case 'ModelStreamErrorException':
    case 'ModelTimeoutException': return 'modelStreamErrorException';
    default: return 'internalServerException';
  }
}

export const bedrockDialect: Dialect = {
  name: 'bedrock',
  errorBody: (err) => JSON.stringify({ message: err.message }),
  // The AWS SDKs pick the exception class from this header; the body carries the message.
  errorHeaders: (err) => [['x-amzn-errortype', exceptionName(err)]],
};
