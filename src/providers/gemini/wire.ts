/**
 * The Gemini `generateContent` wire format (Google AI Studio v1beta and Vertex AI v1 share it).
 * Reference: https://ai.google.dev/api/generate-content and
 * https://cloud.google.com/vertex-ai/docs/reference/rest/v1/GenerateContentResponse
 * Only the fields the gateway reads or writes are typed; everything is optional on the response side
 * because the upstream omits empty fields.
 */
export interface GPart {
  text?: string;
  /** True when the text is the model's thinking (thought summaries). */
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
}

export interface GContent { role?: 'user' | 'model' | 'function' | string; parts: GPart[] }

export interface GFunctionDeclaration { name: string; description?: string; parameters?: Record<string, unknown> }

export interface GGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  responseLogprobs?: boolean;
  logprobs?: number;
  thinkingConfig?: { thinkingBudget?: number; includeThoughts?: boolean };
}

export interface GRequest {
  contents: GContent[];
  systemInstruction?: GContent;
  tools?: Array<{ functionDeclarations: GFunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } };
  generationConfig?: GGenerationConfig;
}

export interface GUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

export interface GCandidate { index?: number; content?: GContent; finishReason?: string }

export interface GResponse {
  candidates?: GCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GUsage;
  modelVersion?: string;
  responseId?: string;
  /** Mid-stream failures arrive as an error object in a data event. */
  error?: { code?: number; message?: string; status?: string };
}
