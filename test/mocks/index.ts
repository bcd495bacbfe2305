/** Fake upstream providers for tests (the only fakes allowed: they stand in for services outside this machine). */
export { startOpenAIMock } from './openai-upstream.js';
export type { OpenAIMock, OpenAIMockOptions, MockRequestRecord, FaultRule } from './openai-upstream.js';
export { spawnOpenAIMock, defaultMockScript } from './spawn.js';
export type { SpawnOpenAIMockOptions, SpawnedOpenAIMock } from './spawn.js';
// Pure helpers, so tests can compute the exact values the mock answers with.
export { mockToolArguments, lastUserText, echoText } from './openai/chat-plan.js';
export { chatCompletionId, toolCallId, CHAT_REQUEST_FIELDS } from './openai/chat.js';
export { completionId } from './openai/completions.js';
export { mockEmbedding, embeddingToBase64, DEFAULT_EMBEDDING_DIMENSIONS } from './openai/embeddings.js';
export { MOCK_MODELS } from './openai/models.js';
export { errorForStatus } from './openai/errors.js';
export { countWords, fragmentText, isWellFormedUtf16 } from './openai/text.js';
