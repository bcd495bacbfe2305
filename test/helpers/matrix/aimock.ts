/**
 * @copilotkit/aimock (a third-party mock of the OpenAI, Anthropic, Gemini, Vertex, Bedrock, Azure and
 * Cohere APIs) with the fixtures the aimock-upstreams test uses, plus the node config pointing one
 * Switchyard provider of each kind at it. Vertex needs an OAuth token, which aimock does not issue, so the
 * Vertex provider takes its token from our Google mock's token endpoint and its API calls go to aimock.
 */
import { generateKeyPairSync } from 'node:crypto';
import { LLMock } from '@copilotkit/aimock';
import { startGeminiMock, type GeminiMock } from '../../mocks/gemini-upstream.js';

/** The answer text: long enough for several chunks, with quotes, escapes and non-ASCII to survive every format. */
export const AIMOCK_TEXT = 'Hello from aimock: "quoted", back\\slash, ünïcödé and a few more words.';
export const AIMOCK_TOOL_CALLS = [
  { name: 'get_weather', arguments: JSON.stringify({ city: 'Paris', unit: 'celsius', note: 'ünï "q"' }) },
  { name: 'get_time', arguments: JSON.stringify({ zone: 'Europe/Paris', precise: true, n: 3 }) },
] as const;
/** Substrings of the user text that select the fixtures. */
export const TEXT_PROMPT = 'aimock say hello';
export const TOOLS_PROMPT = 'aimock call both tools';
/** aimock streams text in pieces of this many characters. */
export const AIMOCK_CHUNK = 6;

export interface AimockTarget { label: string; model: string; /** Path the upstream request must arrive at. */ path: RegExp }

export const AIMOCK_TARGETS: readonly AimockTarget[] = [
  { label: 'openai (custom)', model: 'oa/gpt-4o-mini', path: /^\/v1\/chat\/completions$/ },
  { label: 'anthropic', model: 'claude/claude-sonnet-4-5', path: /^\/v1\/messages$/ },
  { label: 'gemini', model: 'gem/gemini-2.5-flash', path: /^\/v1beta\/models\/gemini-2\.5-flash:(generateContent|streamGenerateContent)/ },
  { label: 'vertex (gemini)', model: 'vx/gemini-2.5-flash', path: /^\/v1\/projects\/proj-a\/locations\/us-central1\/publishers\/google\/models\/gemini-2\.5-flash:(generateContent|streamGenerateContent)/ },
  { label: 'bedrock', model: 'aws/anthropic.claude-3-5-sonnet-20240620-v1:0', path: /^\/model\/anthropic\.claude-3-5-sonnet-20240620-v1(:|%3A)0\/(converse|converse-stream)$/ },
  { label: 'azure', model: 'az/gpt-4o', path: /^\/openai\/deployments\/gpt4o-prod\/chat\/completions/ },
  { label: 'cohere', model: 'co/command-a-03-2025', path: /^\/v2\/chat$/ },
];

export interface Aimock { mock: LLMock; tokens: GeminiMock; config: object; close(): Promise<void> }

export async function startAimock(): Promise<Aimock> {
  const mock = new LLMock({ port: 0, host: '127.0.0.1', chunkSize: AIMOCK_CHUNK, logLevel: 'silent', journalMaxEntries: 0 });
  mock.onMessage(TEXT_PROMPT, { content: AIMOCK_TEXT });
  mock.onMessage(TOOLS_PROMPT, { toolCalls: AIMOCK_TOOL_CALLS.map((c) => ({ ...c })) });
  await mock.start();
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const email = 'aimock@proj-a.iam.gserviceaccount.com';
  const tokens = await startGeminiMock({ publicKeyPem: keys.publicKey, clientEmail: email });
  const credentials = JSON.stringify({ type: 'service_account', project_id: 'proj-a', private_key_id: 'kid-a', private_key: keys.privateKey, client_email: email, token_uri: `${tokens.url}/token` });
  const url = mock.url;
  const config = {
    providers: {
      oa: { type: 'custom', base_url: `${url}/v1`, api_key: 'sk-aimock' },
      claude: { type: 'anthropic', base_url: url, api_key: 'sk-ant-aimock' },
      gem: { type: 'gemini', base_url: url, api_key: 'AIza-aimock' },
      vx: { type: 'vertex', base_url: url, project: 'proj-a', location: 'us-central1', credentials },
      aws: { type: 'bedrock', base_url: url, api_key: 'AKIDAIMOCK', secret_access_key: 'aimock-secret', region: 'us-east-1' },
      az: { type: 'azure', base_url: url, api_key: 'az-aimock', deployments: { 'gpt-4o': 'gpt4o-prod' } },
      co: { type: 'cohere', base_url: url, api_key: 'co-aimock' },
    },
    routing: { retries: 0, breaker: { consecutive_failures: 100000, min_calls: 100000 } },
  };
  return { mock, tokens, config, async close() { await mock.stop(); await tokens.close(); } };
}
