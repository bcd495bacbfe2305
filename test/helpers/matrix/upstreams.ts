/**
 * Every native provider's mock upstream, started side by side, plus the node config that points one
 * Switchyard provider at each, and per provider what its mock answers (computed with the mocks' own
 * exported helpers, so expectations never drift from the mocks).
 */
import { generateKeyPairSync } from 'node:crypto';
import { echoText, mockToolArguments, startOpenAIMock, type OpenAIMock } from '../../mocks/index.js';
import { startAnthropicMock, type AnthropicMock } from '../../mocks/anthropic-upstream.js';
import { startAzureMock, type AzureMock } from '../../mocks/azure-upstream.js';
import { mockReplyText, mockToolInput, startBedrockMock, type BedrockMock } from '../../mocks/bedrock-upstream.js';
import { cohereToolArguments, startCohereMock, type CohereMock } from '../../mocks/cohere-upstream.js';
import { anthropicReplyText, geminiReplyText, startGeminiMock, type GeminiMock } from '../../mocks/gemini-upstream.js';

/** What one provider (as seen through an alias) answers, and where its upstream's requests are recorded. */
export interface ProviderCase {
  label: string;
  /** The model alias clients send. */
  model: string;
  /** The text the upstream answers to `user` with `images` images in the last user turn. */
  reply(user: string, images: number): string;
  /** The arguments JSON string of the upstream's tool call number `index` for `user`. */
  toolArgs(user: string, index: number): string;
  /** Recorded request bodies of this provider's upstream (undefined: no upstream, the built-in mock). */
  upstreamBodies?(): unknown[];
}

export interface Upstreams {
  providers: ProviderCase[];
  /** The node config (providers + aliases). */
  config: object;
  close(): Promise<void>;
}

/** Provider labels, in matrix order (known before the mocks start, so tests can be declared up front). */
export const PROVIDER_LABELS = ['openai', 'anthropic', 'gemini', 'vertex-gemini', 'vertex-claude', 'bedrock', 'azure', 'cohere', 'mock/echo'] as const;

export const BEDROCK_CREDS = { accessKeyId: 'AKIDMATRIX', secretAccessKey: 'matrix-secret-key', sessionToken: 'matrix-session' };
const BEDROCK_REGION = 'eu-west-1';
const SA_EMAIL = 'matrix@proj-m.iam.gserviceaccount.com';

/** `{input, index}`, the tool input of the anthropic, gemini, vertex, bedrock and built-in mocks. */
const indexedInput = (user: string, index: number) => JSON.stringify({ input: user, index });

export async function startUpstreams(): Promise<Upstreams> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const openai: OpenAIMock = await startOpenAIMock({ requireKey: 'sk-matrix-openai' });
  const anthropic: AnthropicMock = await startAnthropicMock({ requireKey: 'sk-ant-matrix' });
  const google: GeminiMock = await startGeminiMock({ requireKey: 'AIza-matrix', publicKeyPem: keys.publicKey, clientEmail: SA_EMAIL });
  const bedrock: BedrockMock = await startBedrockMock({ credentials: BEDROCK_CREDS, region: BEDROCK_REGION });
  const azure: AzureMock = await startAzureMock({ apiKey: 'az-matrix', deployments: { 'gpt4o-prod': 'gpt-4o' } });
  const cohere: CohereMock = await startCohereMock({ requireKey: 'co-matrix' });

  const serviceAccount = JSON.stringify({
    type: 'service_account', project_id: 'proj-m', private_key_id: 'kid-m', private_key: keys.privateKey,
    client_email: SA_EMAIL, token_uri: `${google.url}/token`,
  });
  const bodies = (reqs: Array<{ body: unknown }>) => () => reqs.map((r) => r.body);
  const googleGenerate = () => google.requests.filter((r) => /\/publishers\/google\/|\/v1beta\//.test(r.path)).map((r) => r.body);
  const googleClaude = () => google.requests.filter((r) => r.path.includes('/publishers/anthropic/')).map((r) => r.body);
  const openaiText = (user: string, images: number) => echoText([{ role: 'user', content: [{ type: 'text', text: user }, ...Array.from({ length: images }, () => ({ type: 'image_url' }))] }]);

  const providers: ProviderCase[] = [
    { label: 'openai', model: 'mx-openai', reply: openaiText, toolArgs: (u) => mockToolArguments(u), upstreamBodies: bodies(openai.requests) },
    { label: 'anthropic', model: 'mx-anthropic', reply: (u, n) => `${anthropicReplyText(u)}${n ? ` (${n} image${n > 1 ? 's' : ''})` : ''}`, toolArgs: indexedInput, upstreamBodies: bodies(anthropic.requests) },
    { label: 'gemini', model: 'mx-gemini', reply: (u, n) => geminiReplyText(u, Array.from({ length: n }, () => 'image/png')), toolArgs: indexedInput, upstreamBodies: googleGenerate },
    { label: 'vertex-gemini', model: 'mx-vertex-gemini', reply: (u, n) => geminiReplyText(u, Array.from({ length: n }, () => 'image/png')), toolArgs: indexedInput, upstreamBodies: googleGenerate },
    // The Vertex Claude mock does not mention images in its reply; the image check reads the upstream body.
    { label: 'vertex-claude', model: 'mx-vertex-claude', reply: (u) => anthropicReplyText(u), toolArgs: indexedInput, upstreamBodies: googleClaude },
    { label: 'bedrock', model: 'mx-bedrock', reply: mockReplyText, toolArgs: (u, i) => JSON.stringify(mockToolInput(u, i)), upstreamBodies: bodies(bedrock.requests) },
    { label: 'azure', model: 'mx-azure', reply: openaiText, toolArgs: (u) => mockToolArguments(u), upstreamBodies: bodies(azure.requests) },
    { label: 'cohere', model: 'mx-cohere', reply: (u, n) => `echo: ${u}${n ? ` [images: ${n}]` : ''}`, toolArgs: (u) => cohereToolArguments(u), upstreamBodies: bodies(cohere.requests) },
    // The built-in mock has no upstream and ignores images.
    { label: 'mock/echo', model: 'mx-mock', reply: (u) => `Switchyard mock reply to: ${u}`, toolArgs: indexedInput },
  ];

  const config = {
    providers: {
      oa: { type: 'custom', base_url: openai.url, api_key: 'sk-matrix-openai' },
      claude: { type: 'anthropic', base_url: anthropic.url, api_key: 'sk-ant-matrix' },
      gem: { type: 'gemini', base_url: google.url, api_key: 'AIza-matrix' },
      vx: { type: 'vertex', base_url: google.url, project: 'proj-m', location: 'us-east5', credentials: serviceAccount },
      aws: { type: 'bedrock', base_url: bedrock.url, api_key: BEDROCK_CREDS.accessKeyId, secret_access_key: BEDROCK_CREDS.secretAccessKey, session_token: BEDROCK_CREDS.sessionToken, region: BEDROCK_REGION },
      az: { type: 'azure', base_url: azure.url, api_key: 'az-matrix', deployments: { 'gpt-4o': 'gpt4o-prod' } },
      co: { type: 'cohere', base_url: cohere.url, api_key: 'co-matrix' },
    },
    models: {
      'mx-openai': 'oa/gpt-4o-mini',
      'mx-anthropic': 'claude/claude-mock-1',
      'mx-gemini': 'gem/gemini-2.5-flash',
      'mx-vertex-gemini': 'vx/gemini-2.5-flash',
      'mx-vertex-claude': 'vx/claude-sonnet-4@20250514',
      'mx-bedrock': 'aws/anthropic.claude-3-5-sonnet-20240620-v1:0',
      'mx-azure': 'az/gpt-4o',
      'mx-cohere': 'co/command-a-vision-07-2025',
      'mx-mock': 'mock/echo',
    },
    routing: { retries: 0, breaker: { consecutive_failures: 100000, min_calls: 100000 } },
  };

  if (providers.map((p) => p.label).join() !== PROVIDER_LABELS.join()) throw new Error('PROVIDER_LABELS is out of date');
  return {
    providers, config,
    async close() {
      await Promise.all([openai.close(), anthropic.close(), google.close(), bedrock.close(), azure.close(), cohere.close()]);
    },
  };
}
