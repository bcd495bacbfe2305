/** The Gemini wire conversions, shared with the vertex adapter (Gemini models on Vertex AI use the same body). */
export { toGeminiRequest, sanitizeSchema, mediaPart } from './request.js';
export { fromGeminiResponse, mapFinish, mapUsage } from './response.js';
export { GeminiStreamTranslator, geminiChunks } from './stream.js';
export { geminiUpstreamError, googleError } from './errors.js';
export { GoogleWireProvider, unsupportedEndpoint, type GenerateMethod } from './client.js';
export { embeddingInputs, embeddingsResponse, floatsToBase64 } from './embeddings.js';
export type * from './wire.js';
