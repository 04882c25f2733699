import type { OutboundPolicy } from "../../../lib/outbound";

export type ProviderKind = "openai" | "anthropic" | "google" | "azure_openai" | "groq" | "together" | "ollama" | "vllm" | "openai_compatible";
export type TargetKind = ProviderKind | "mock";

/** Where and how to call a model; secrets already resolved. */
export interface ModelTarget {
	kind: TargetKind;
	base_url: string | null;
	api_key: string | null;
	api_version: string | null;
	headers: Record<string, string>;
	model: string;
}

export interface ToolCall {
	id: string;
	name: string;
	arguments: Record<string, unknown>;
}

export interface ChatMessage {
	role: "system" | "user" | "assistant" | "tool";
	content: string;
	/** Assistant turns that requested tools. */
	tool_calls?: ToolCall[];
	/** Tool results: the call they answer, and the tool's name. */
	tool_call_id?: string;
	name?: string;
}

export interface ToolDefinition {
	name: string;
	description: string;
	input_schema: Record<string, unknown>;
}

export interface ModelRequest {
	messages: ChatMessage[];
	tools?: ToolDefinition[];
	max_tokens?: number;
	temperature?: number;
}

export interface ModelHooks {
	/** Called with each streamed text delta, in order. */
	onToken?: (text: string) => void;
	/** Aborts the call; the promise then rejects with the signal's reason (or CANCELLED). */
	signal?: AbortSignal;
	policy: OutboundPolicy;
	/** Whole-call timeout; default 120 s. */
	timeoutMs?: number;
}

export interface ModelResult {
	content: string;
	tool_calls: ToolCall[];
	tokens_input: number;
	tokens_output: number;
	/** `stop`, `tool_calls`, `length`, `content_filter` or the upstream's own reason. */
	finish_reason: string;
}

export interface EmbeddingResult {
	vectors: number[][];
	tokens_input: number;
}
