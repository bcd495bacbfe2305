/**
 * Cohere API v2 wire types (only the fields the gateway reads or writes).
 * Chat: https://docs.cohere.com/reference/chat and https://docs.cohere.com/reference/chat-stream
 * Stream events: https://docs.cohere.com/v2/docs/streaming
 * Embed: https://docs.cohere.com/reference/embed ; Models: https://docs.cohere.com/reference/list-models
 */

export type CohereUserPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };
export type CohereAssistantPart = { type: 'text'; text: string } | { type: 'thinking'; thinking: string };

export interface CohereToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type CohereMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | CohereUserPart[] }
  | { role: 'assistant'; content?: string | CohereAssistantPart[]; tool_calls?: CohereToolCall[]; tool_plan?: string }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface CohereTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface CohereChatRequest {
  model: string;
  messages: CohereMessage[];
  stream?: boolean;
  tools?: CohereTool[];
  strict_tools?: boolean;
  tool_choice?: 'REQUIRED' | 'NONE';
  response_format?: { type: 'text' } | { type: 'json_object'; json_schema?: Record<string, unknown> };
  max_tokens?: number;
  stop_sequences?: string[];
  temperature?: number;
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  p?: number;
  k?: number;
  thinking?: { type: 'enabled' | 'disabled'; token_budget?: number };
  [extra: string]: unknown;
}

export interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number; [k: string]: unknown };
  tokens?: { input_tokens?: number; output_tokens?: number };
  cached_tokens?: number;
}

export interface CohereChatResponse {
  id: string;
  finish_reason: string;
  message: {
    role: 'assistant';
    content?: Array<CohereAssistantPart | { type: string; [k: string]: unknown }>;
    tool_plan?: string;
    tool_calls?: CohereToolCall[];
    citations?: unknown[];
  };
  usage?: CohereUsage;
}

/** One SSE event of a v2 chat stream; `type` names it (the SSE `event:` field carries the same name). */
export interface CohereStreamEvent {
  type: string;
  id?: string;
  index?: number;
  delta?: {
    message?: {
      role?: string;
      content?: { type?: string; text?: string; thinking?: string };
      tool_plan?: string;
      tool_calls?: { id?: string; type?: 'function'; function?: { name?: string; arguments?: string } };
    };
    finish_reason?: string;
    usage?: CohereUsage;
    error?: string;
  };
}

export interface CohereEmbedResponse {
  id?: string;
  embeddings: { float?: number[][] };
  texts?: string[];
  meta?: { billed_units?: { input_tokens?: number } };
}

export interface CohereModelList {
  models?: Array<{ name?: unknown }>;
  next_page_token?: string;
}
