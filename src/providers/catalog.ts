/**
 * Every provider kind Switchyard knows, with the facts needed to configure it: default base URL, the
 * environment variable that auto-configures it, how it authenticates and what it supports. Adding a
 * provider = one folder with its adapter plus one entry here and one line in registry.ts.
 */
export interface Capabilities { chat: boolean; stream: boolean; tools: boolean; vision: boolean; embeddings: boolean; completions: boolean }

/** Adapter families; each is one folder under src/providers/. */
export type AdapterName = 'openai' | 'mock' | 'anthropic' | 'gemini' | 'vertex' | 'bedrock' | 'azure' | 'cohere';

export interface ProviderKind {
  kind: string;
  title: string;
  /** Adapter family that implements the wire format. */
  adapter: AdapterName;
  baseUrl?: string;
  /** Env var holding the API key; when set, the provider is configured automatically. */
  apiKeyEnv?: string;
  /** Env var holding a base URL (self-hosted servers); when set, the provider is configured automatically. */
  baseUrlEnv?: string;
  /** Further env vars read at auto-configuration (option name -> env var), e.g. region or endpoint. */
  optionEnv?: Record<string, string>;
  /** Whether requests need a key (self-hosted servers usually do not). */
  requiresKey: boolean;
  /** Whether the upstream accepts stream_options.include_usage (otherwise it reports usage on its own or not at all). */
  streamUsageOption?: boolean;
  capabilities: Capabilities;
}

const full: Capabilities = { chat: true, stream: true, tools: true, vision: true, embeddings: true, completions: true };
const chatOnly = (over: Partial<Capabilities> = {}): Capabilities =>
  ({ chat: true, stream: true, tools: true, vision: false, embeddings: false, completions: false, ...over });

export const PROVIDER_KINDS: readonly ProviderKind[] = [
  { kind: 'openai', title: 'OpenAI', adapter: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', requiresKey: true, capabilities: full },
  { kind: 'groq', title: 'Groq', adapter: 'openai', baseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY', requiresKey: true, capabilities: chatOnly({ vision: true }) },
  { kind: 'mistral', title: 'Mistral AI', adapter: 'openai', baseUrl: 'https://api.mistral.ai/v1', apiKeyEnv: 'MISTRAL_API_KEY', requiresKey: true, streamUsageOption: false, capabilities: chatOnly({ vision: true, embeddings: true }) },
  { kind: 'together', title: 'Together AI', adapter: 'openai', baseUrl: 'https://api.together.xyz/v1', apiKeyEnv: 'TOGETHER_API_KEY', requiresKey: true, capabilities: { ...full } },
  { kind: 'fireworks', title: 'Fireworks AI', adapter: 'openai', baseUrl: 'https://api.fireworks.ai/inference/v1', apiKeyEnv: 'FIREWORKS_API_KEY', requiresKey: true, capabilities: { ...full } },
  { kind: 'deepseek', title: 'DeepSeek', adapter: 'openai', baseUrl: 'https://api.deepseek.com/v1', apiKeyEnv: 'DEEPSEEK_API_KEY', requiresKey: true, capabilities: chatOnly({ completions: true }) },
  { kind: 'xai', title: 'xAI', adapter: 'openai', baseUrl: 'https://api.x.ai/v1', apiKeyEnv: 'XAI_API_KEY', requiresKey: true, capabilities: chatOnly({ vision: true }) },
  { kind: 'openrouter', title: 'OpenRouter', adapter: 'openai', baseUrl: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY', requiresKey: true, capabilities: chatOnly({ vision: true, completions: true }) },
  { kind: 'perplexity', title: 'Perplexity', adapter: 'openai', baseUrl: 'https://api.perplexity.ai', apiKeyEnv: 'PERPLEXITY_API_KEY', requiresKey: true, streamUsageOption: false, capabilities: chatOnly({ tools: false }) },
  { kind: 'cerebras', title: 'Cerebras', adapter: 'openai', baseUrl: 'https://api.cerebras.ai/v1', apiKeyEnv: 'CEREBRAS_API_KEY', requiresKey: true, capabilities: chatOnly() },
  { kind: 'ollama', title: 'Ollama', adapter: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', baseUrlEnv: 'OLLAMA_BASE_URL', requiresKey: false, capabilities: { ...full } },
  { kind: 'vllm', title: 'vLLM', adapter: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', baseUrlEnv: 'VLLM_BASE_URL', apiKeyEnv: 'VLLM_API_KEY', requiresKey: false, capabilities: { ...full } },
  { kind: 'sambanova', title: 'SambaNova Cloud', adapter: 'openai', baseUrl: 'https://api.sambanova.ai/v1', apiKeyEnv: 'SAMBANOVA_API_KEY', requiresKey: true, capabilities: chatOnly() },
  { kind: 'nvidia', title: 'NVIDIA NIM', adapter: 'openai', baseUrl: 'https://integrate.api.nvidia.com/v1', apiKeyEnv: 'NVIDIA_API_KEY', requiresKey: true, capabilities: chatOnly({ embeddings: true }) },
  { kind: 'huggingface', title: 'Hugging Face Inference Providers', adapter: 'openai', baseUrl: 'https://router.huggingface.co/v1', apiKeyEnv: 'HF_TOKEN', requiresKey: true, capabilities: chatOnly({ vision: true }) },
  { kind: 'lmstudio', title: 'LM Studio', adapter: 'openai', baseUrl: 'http://127.0.0.1:1234/v1', baseUrlEnv: 'LMSTUDIO_BASE_URL', requiresKey: false, capabilities: { ...full } },
  { kind: 'anthropic', title: 'Anthropic', adapter: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY', requiresKey: true, capabilities: chatOnly({ vision: true }) },
  { kind: 'gemini', title: 'Google AI Studio (Gemini)', adapter: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com', apiKeyEnv: 'GEMINI_API_KEY', requiresKey: true, capabilities: chatOnly({ vision: true, embeddings: true }) },
  { kind: 'vertex', title: 'Google Vertex AI (Gemini and Anthropic models)', adapter: 'vertex', apiKeyEnv: 'GOOGLE_APPLICATION_CREDENTIALS', optionEnv: { project: 'VERTEX_PROJECT', location: 'VERTEX_LOCATION' }, requiresKey: false, capabilities: chatOnly({ vision: true, embeddings: true }) },
  { kind: 'bedrock', title: 'Amazon Bedrock', adapter: 'bedrock', apiKeyEnv: 'AWS_ACCESS_KEY_ID', optionEnv: { region: 'AWS_REGION', secret_access_key: 'AWS_SECRET_ACCESS_KEY', session_token: 'AWS_SESSION_TOKEN' }, requiresKey: false, capabilities: chatOnly({ vision: true, embeddings: true }) },
  { kind: 'azure', title: 'Azure OpenAI', adapter: 'azure', baseUrlEnv: 'AZURE_OPENAI_ENDPOINT', apiKeyEnv: 'AZURE_OPENAI_API_KEY', optionEnv: { api_version: 'AZURE_OPENAI_API_VERSION' }, requiresKey: true, capabilities: { ...full } },
  { kind: 'cohere', title: 'Cohere', adapter: 'cohere', baseUrl: 'https://api.cohere.com', apiKeyEnv: 'COHERE_API_KEY', requiresKey: true, capabilities: chatOnly({ vision: true, embeddings: true }) },
  { kind: 'custom', title: 'Any OpenAI-compatible server', adapter: 'openai', requiresKey: false, capabilities: { ...full } },
  { kind: 'mock', title: 'Built-in deterministic mock', adapter: 'mock', requiresKey: false, capabilities: { ...full } },
];

const byKind = new Map(PROVIDER_KINDS.map((k) => [k.kind, k]));

export function providerKind(kind: string): ProviderKind | undefined {
  return byKind.get(kind);
}

export const PROVIDER_KIND_NAMES = PROVIDER_KINDS.map((k) => k.kind);
