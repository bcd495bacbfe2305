import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffMs, classifyFailure, parseRetryAfter, parseRetryAfterMs, retryDelayFromHeaders, type FailureClass, type FailureInfo } from '../../src/routing/index.js';

const TABLE: Array<[string, FailureInfo, FailureClass]> = [
  ['timeout', { kind: 'timeout' }, 'retry'],
  ['connect', { kind: 'connect' }, 'retry'],
  ['reset', { kind: 'reset', status: 400 }, 'retry'],
  ['client aborted', { kind: 'aborted' }, 'fatal'],
  ['undici aborted code', { errorCode: 'UND_ERR_ABORTED' }, 'fatal'],
  ['ECONNRESET code without status', { errorCode: 'ECONNRESET' }, 'retry'],
  ['nothing known', {}, 'retry'],
  ['401', { status: 401 }, 'rotate_key'],
  ['403', { status: 403, body: { error: { message: 'Permission denied', status: 'PERMISSION_DENIED', code: 403 } } }, 'rotate_key'],
  ['429 rate limit', { status: 429, body: { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } } }, 'retry'],
  ['429 insufficient_quota', { status: 429, body: { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } } }, 'rotate_key'],
  ['408', { status: 408 }, 'retry'],
  ['500', { status: 500 }, 'retry'],
  ['502', { status: 502 }, 'retry'],
  ['503', { status: 503 }, 'retry'],
  ['504', { status: 504 }, 'retry'],
  ['529 anthropic overloaded', { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }, 'retry'],
  ['500 mentioning context is still a retry', { status: 500, body: 'maximum context length exceeded while serving' }, 'retry'],
  ['400 plain', { status: 400, body: { error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error', code: 'invalid_value' } } }, 'fatal'],
  ['404', { status: 404, body: { error: { message: 'The model `x` does not exist', code: 'model_not_found' } } }, 'fatal'],
  ['422', { status: 422 }, 'fatal'],
  [
    'openai context code',
    { status: 400, body: { error: { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } },
    'context_window',
  ],
  ['openai context message only', { status: 400, body: JSON.stringify({ error: { message: "This model's maximum context length is 4097 tokens", type: 'invalid_request_error', code: null } }) }, 'context_window'],
  ['context code via errorCode', { status: 400, errorCode: 'context_length_exceeded' }, 'context_window'],
  ['anthropic prompt too long', { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 208573 tokens > 200000 maximum' } } }, 'context_window'],
  ['anthropic context limit', { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'input length and `max_tokens` exceed context limit: 197202 + 21333 > 200000' } } }, 'context_window'],
  ['gemini token count', { status: 400, body: { error: { code: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' } } }, 'context_window'],
  ['gemini array-wrapped', { status: 400, body: [{ error: { code: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' } }] }, 'context_window'],
  ['bedrock too long', { status: 400, body: { message: 'Input is too long for requested model.' } }, 'context_window'],
  ['openai content policy code', { status: 400, body: { error: { message: 'Your request was rejected as a result of our safety system.', type: 'invalid_request_error', code: 'content_policy_violation' } } }, 'content_policy'],
  [
    'azure content filter',
    { status: 400, body: { error: { message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", code: 'content_filter', innererror: { code: 'ResponsibleAIPolicyViolation' } } } },
    'content_policy',
  ],
  ['anthropic output blocked', { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'Output blocked by content filtering policy' } } }, 'content_policy'],
  ['gemini blockReason (adapter error, no status)', { body: { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } } }, 'content_policy'],
  ['gemini SAFETY code', { errorCode: 'SAFETY' }, 'content_policy'],
  ['plain text body', { status: 400, body: 'bad request' }, 'fatal'],
];

for (const [name, info, expected] of TABLE) {
  test(`classifyFailure: ${name} → ${expected}`, () => {
    assert.equal(classifyFailure(info), expected);
  });
}

test('property: classifyFailure never throws on arbitrary bodies', () => {
  fc.assert(
    fc.property(fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }), fc.jsonValue(), (status, body) => {
      const c = classifyFailure({ status, body });
      assert.ok(['retry', 'rotate_key', 'context_window', 'content_policy', 'fatal'].includes(c));
    }),
  );
});

test('backoffMs: exact values with scripted randomness', () => {
  const cfg = { baseMs: 100, maxMs: 5000 };
  assert.equal(backoffMs(0, cfg, () => 0.5), 50);
  assert.equal(backoffMs(3, cfg, () => 0.5), 400);
  assert.equal(backoffMs(10, cfg, () => 0.5), 2500); // capped at maxMs before jitter
  assert.equal(backoffMs(0, cfg, () => 0), 0);
  assert.equal(backoffMs(0, cfg, () => 1), 99); // stays below the ceiling
  assert.equal(backoffMs(2000, cfg, () => 0.999999), 4999);
  assert.equal(backoffMs(-1, cfg, () => 0.5), 50);
  assert.equal(backoffMs(Number.NaN, cfg, () => Number.NaN), 0);
});

test('property: backoffMs is an integer in [0, min(maxMs, baseMs·2^attempt))', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 1, max: 600_000 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (attempt, baseMs, maxMs, r) => {
        const d = backoffMs(attempt, { baseMs, maxMs }, () => r);
        const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
        assert.ok(Number.isInteger(d) && d >= 0 && d < ceiling, `${d} not in [0, ${ceiling})`);
      },
    ),
  );
});

const NOW = Date.parse('2024-05-01T12:00:00Z');

test('parseRetryAfter: delay-seconds', () => {
  assert.equal(parseRetryAfter('0', NOW), 0);
  assert.equal(parseRetryAfter('7', NOW), 7000);
  assert.equal(parseRetryAfter(' 1.5 ', NOW), 1500);
  assert.equal(parseRetryAfter(['3', '9'], NOW), 3000);
  assert.equal(parseRetryAfter(12, NOW), 12_000);
  assert.equal(parseRetryAfter('3600', NOW), 60_000); // default cap
  assert.equal(parseRetryAfter('3600', NOW, 10_000), 10_000);
});

test('parseRetryAfter: HTTP-date in all three forms, past dates give 0', () => {
  assert.equal(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', NOW), 30_000);
  assert.equal(parseRetryAfter('Wednesday, 01-May-24 12:00:10 GMT', NOW), 10_000);
  assert.equal(parseRetryAfter('Wed May  1 12:00:05 2024', NOW), 5000);
  assert.equal(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', NOW), 0);
  assert.equal(parseRetryAfter('Thu, 02 May 2024 12:00:00 GMT', NOW), 60_000);
});

test('parseRetryAfter: garbage is null', () => {
  for (const v of ['', '   ', 'soon', '-5', '5s', '1e3', 'NaN', 'Infinity', 'Wed, 01 May 2024', '2024-05-01T12:00:30Z', 'foo 12', '0x10']) {
    assert.equal(parseRetryAfter(v, NOW), null, JSON.stringify(v));
  }
  assert.equal(parseRetryAfter(undefined, NOW), null);
  assert.equal(parseRetryAfter(null, NOW), null);
  assert.equal(parseRetryAfter([], NOW), null);
});

test('retry-after-ms and header precedence', () => {
  assert.equal(parseRetryAfterMs('250'), 250);
  assert.equal(parseRetryAfterMs('12.2'), 13);
  assert.equal(parseRetryAfterMs('999999'), 60_000);
  assert.equal(parseRetryAfterMs('abc'), null);
  assert.equal(retryDelayFromHeaders({ 'retry-after-ms': '250', 'retry-after': '3' }, NOW), 250);
  assert.equal(retryDelayFromHeaders({ 'Retry-After': '3' }, NOW), 3000);
  assert.equal(retryDelayFromHeaders(new Headers({ 'retry-after': '2' }), NOW), 2000);
  assert.equal(retryDelayFromHeaders(new Headers({ 'retry-after-ms': 'x', 'retry-after': '2' }), NOW), 2000);
  assert.equal(retryDelayFromHeaders({}, NOW), null);
});
