/**
 * The parts of the Bedrock Runtime wire format this adapter speaks (JSON shapes as sent over HTTP).
 * Converse:        https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 * ConverseStream:  https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 * Stream events:   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
 * Field names and enums were checked against the service model shipped in @aws-sdk/client-bedrock-runtime.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';
export type DocumentFormat = 'pdf' | 'csv' | 'doc' | 'docx' | 'xls' | 'xlsx' | 'html' | 'txt' | 'md';

export interface ToolUseBlock { toolUseId: string; name: string; input: unknown }
export interface ToolResultBlock {
  toolUseId: string;
  content: Array<{ text: string } | { json: unknown }>;
  status?: 'success' | 'error';
}

export interface ContentBlock {
  text?: string;
  image?: { format: ImageFormat; source: { bytes: string } | { s3Location: { uri: string } } };
  document?: { format: DocumentFormat; name: string; source: { bytes: string } };
  toolUse?: ToolUseBlock;
  toolResult?: ToolResultBlock;
  reasoningContent?: { reasoningText?: { text: string; signature?: string }; redactedContent?: string };
}

export interface Message { role: 'user' | 'assistant'; content: ContentBlock[] }

export interface ToolConfig {
  tools: Array<{ toolSpec: { name: string; description?: string; inputSchema: { json: unknown } } }>;
  toolChoice?: { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };
}

export interface ConverseRequest {
  messages: Message[];
  system?: Array<{ text: string }>;
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: ToolConfig;
  outputConfig?: { textFormat?: { type: 'json_schema'; structure: { jsonSchema: { schema: string; name?: string; description?: string } } }; effort?: string };
  additionalModelRequestFields?: Record<string, unknown>;
  requestMetadata?: Record<string, string>;
}

export type StopReason =
  | 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'guardrail_intervened' | 'content_filtered'
  | 'malformed_model_output' | 'malformed_tool_use' | 'model_context_window_exceeded';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface ConverseResponse {
  output: { message: Message };
  stopReason: StopReason;
  usage?: TokenUsage;
  metrics?: { latencyMs: number };
}

/** One decoded ConverseStream event: the `:event-type` header names the member, the payload is its body. */
export interface StreamEvents {
  messageStart: { role: 'assistant' };
  contentBlockStart: { contentBlockIndex: number; start: { toolUse?: { toolUseId: string; name: string } } };
  contentBlockDelta: {
    contentBlockIndex: number;
    delta: { text?: string; toolUse?: { input: string }; reasoningContent?: { text?: string; signature?: string; redactedContent?: string } };
  };
  contentBlockStop: { contentBlockIndex: number };
  messageStop: { stopReason: StopReason; additionalModelResponseFields?: unknown };
  metadata: { usage?: TokenUsage; metrics?: { latencyMs: number } };
}
