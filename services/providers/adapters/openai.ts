import { isJsonResponse, joinUrl, parseJsonObject, UpstreamCall } from "./http";
import type { ChatMessage, EmbeddingResult, ModelHooks, ModelRequest, ModelResult, ModelTarget, ToolCall } from "./types";

/** Vendor endpoints of the OpenAI-compatible kinds (the others need a `base_url`). */
export const OPENAI_COMPATIBLE_BASES: Record<string, string> = {
	openai: "https://api.openai.com/v1",
	groq: "https://api.groq.com/openai/v1",
	together: "https://api.together.xyz/v1"
};

const DEFAULT_AZURE_API_VERSION = "2024-10-21";
const VENDOR: Record<string, string> = {
	openai: "OpenAI",
	azure_openai: "Azure OpenAI",
	groq: "Groq",
	together: "Together",
	ollama: "Ollama",
	vllm: "vLLM",
	openai_compatible: "The OpenAI-compatible server"
};

/** URL and auth headers of an OpenAI-style endpoint (`/chat/completions`, `/embeddings`). */
function endpoint(target: ModelTarget, path: string): { url: string; headers: Record<string, string> } {
	const headers: Record<string, string> = {};
	if (target.kind === "azure_openai") {
		const base = target.base_url ?? "";
		const version = encodeURIComponent(target.api_version ?? DEFAULT_AZURE_API_VERSION);
		if (target.api_key) headers["api-key"] = target.api_key;
		return { url: `${joinUrl(base, `/openai/deployments/${encodeURIComponent(target.model)}${path}`)}?api-version=${version}`, headers: { ...headers, ...target.headers } };
	}
	let base = target.base_url ?? OPENAI_COMPATIBLE_BASES[target.kind] ?? "";
	// Ollama serves its OpenAI-compatible API under /v1; accept the bare server address too.
	if (target.kind === "ollama" && /^https?:\/\/[^/]+\/?$/.test(base)) base = joinUrl(base, "/v1");
	if (target.api_key) headers.authorization = `Bearer ${target.api_key}`;
	return { url: joinUrl(base, path), headers: { ...headers, ...target.headers } };
}

function toOpenAiMessage(m: ChatMessage): Record<string, unknown> {
	if (m.role === "tool") return { role: "tool", tool_call_id: m.tool_call_id ?? "", content: m.content };
	if (m.role === "assistant" && m.tool_calls?.length) {
		return {
			role: "assistant",
			content: m.content || null,
			tool_calls: m.tool_calls.map(c => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments ?? {}) } }))
		};
	}
	return { role: m.role, content: m.content };
}

const isReasoningModel = (model: string) => /^o\d/.test(model);

export function chatBody(target: ModelTarget, request: ModelRequest): Record<string, unknown> {
	const body: Record<string, unknown> = {
		model: target.model,
		messages: request.messages.map(toOpenAiMessage),
		stream: true,
		stream_options: { include_usage: true }
	};
	const reasoning = isReasoningModel(target.model);
	if (request.max_tokens != null) {
		// OpenAI's own API (and Azure's) take max_completion_tokens; other servers still read max_tokens.
		if (target.kind === "openai" || target.kind === "azure_openai") body.max_completion_tokens = request.max_tokens;
		else body.max_tokens = request.max_tokens;
	}
	if (request.temperature != null && !reasoning) body.temperature = request.temperature;
	if (request.tools?.length) {
		body.tools = request.tools.map(t => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.input_schema ?? { type: "object", properties: {} } } }));
	}
	return body;
}

const FINISH: Record<string, string> = { stop: "stop", tool_calls: "tool_calls", function_call: "tool_calls", length: "length", content_filter: "content_filter" };

/** Chat completion over an OpenAI-compatible API, streamed (SSE) with tool calling. */
export async function callOpenAi(target: ModelTarget, request: ModelRequest, hooks: ModelHooks): Promise<ModelResult> {
	const call = new UpstreamCall(hooks, VENDOR[target.kind] ?? "The provider", [target.api_key]);
	const { url, headers } = endpoint(target, "/chat/completions");
	const res = await call.post(url, headers, chatBody(target, request));
	if (isJsonResponse(res)) return fromCompletion(await call.json(res), hooks);

	let content = "";
	let finish = "";
	let usage: any = null;
	const pending = new Map<number, { id: string; name: string; args: string }>();
	for await (const { data } of call.events(res)) {
		if (data.trim() === "[DONE]") break;
		let chunk: any;
		try {
			chunk = JSON.parse(data);
		} catch {
			continue;
		}
		if (chunk.error) throw call.fail(`${VENDOR[target.kind] ?? "The provider"} reported: ${chunk.error.message ?? JSON.stringify(chunk.error)}`);
		if (chunk.usage) usage = chunk.usage;
		const choice = chunk.choices?.[0];
		if (!choice) continue;
		const delta = choice.delta ?? {};
		if (typeof delta.content === "string" && delta.content) {
			content += delta.content;
			hooks.onToken?.(delta.content);
		}
		for (const tc of delta.tool_calls ?? []) {
			const index = tc.index ?? pending.size;
			const entry = pending.get(index) ?? { id: "", name: "", args: "" };
			if (tc.id) entry.id = tc.id;
			if (tc.function?.name) entry.name += tc.function.name;
			if (tc.function?.arguments) entry.args += tc.function.arguments;
			pending.set(index, entry);
		}
		if (choice.finish_reason) finish = choice.finish_reason;
	}
	const toolCalls: ToolCall[] = [...pending.entries()]
		.sort(([a], [b]) => a - b)
		.map(([index, t]) => ({ id: t.id || `call_${index}`, name: t.name, arguments: parseJsonObject(t.args) }));
	return {
		content,
		tool_calls: toolCalls,
		tokens_input: usage?.prompt_tokens ?? 0,
		tokens_output: usage?.completion_tokens ?? 0,
		finish_reason: FINISH[finish] ?? (toolCalls.length ? "tool_calls" : finish || "stop")
	};
}

/** A server that ignored `stream: true` and answered one JSON completion. */
function fromCompletion(body: any, hooks: ModelHooks): ModelResult {
	const message = body?.choices?.[0]?.message ?? {};
	const content = typeof message.content === "string" ? message.content : "";
	if (content) hooks.onToken?.(content);
	const toolCalls: ToolCall[] = (message.tool_calls ?? []).map((tc: any, i: number) => ({
		id: tc.id ?? `call_${i}`,
		name: tc.function?.name ?? "",
		arguments: typeof tc.function?.arguments === "string" ? parseJsonObject(tc.function.arguments) : (tc.function?.arguments ?? {})
	}));
	const finish = body?.choices?.[0]?.finish_reason ?? "";
	return {
		content,
		tool_calls: toolCalls,
		tokens_input: body?.usage?.prompt_tokens ?? 0,
		tokens_output: body?.usage?.completion_tokens ?? 0,
		finish_reason: FINISH[finish] ?? (toolCalls.length ? "tool_calls" : finish || "stop")
	};
}

/** Embeddings over an OpenAI-compatible API. */
export async function embedOpenAi(target: ModelTarget, input: string[], hooks: ModelHooks): Promise<EmbeddingResult> {
	const call = new UpstreamCall(hooks, VENDOR[target.kind] ?? "The provider", [target.api_key]);
	const { url, headers } = endpoint(target, "/embeddings");
	const res = await call.post(url, headers, { model: target.model, input });
	const body = await call.json(res);
	const data: any[] = Array.isArray(body?.data) ? [...body.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)) : [];
	if (data.length !== input.length) throw call.fail(`${VENDOR[target.kind]} answered ${data.length} embeddings for ${input.length} inputs`);
	return { vectors: data.map(d => d.embedding as number[]), tokens_input: body?.usage?.prompt_tokens ?? 0 };
}
