import { isJsonResponse, joinUrl, UpstreamCall } from "./http";
import type { ChatMessage, EmbeddingResult, ModelHooks, ModelRequest, ModelResult, ModelTarget, ToolCall } from "./types";

export const GOOGLE_BASE = "https://generativelanguage.googleapis.com/v1beta";

type Part = Record<string, unknown>;
type Content = { role: "user" | "model"; parts: Part[] };

/** JSON Schema keywords the Gemini API's OpenAPI-subset schemas do not accept. */
const UNSUPPORTED_SCHEMA_KEYS = new Set(["additionalProperties", "$schema", "$id", "$ref", "$defs", "definitions", "examples", "const", "default"]);

export function toGeminiSchema(schema: unknown): unknown {
	if (Array.isArray(schema)) return schema.map(toGeminiSchema);
	if (!schema || typeof schema !== "object") return schema;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(schema)) {
		if (UNSUPPORTED_SCHEMA_KEYS.has(k)) continue;
		out[k] = k === "properties" && v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toGeminiSchema(s)])) : toGeminiSchema(v);
	}
	return out;
}

function toolResponse(content: string): Record<string, unknown> {
	try {
		const value = JSON.parse(content);
		if (value && typeof value === "object" && !Array.isArray(value)) return value;
		return { result: value };
	} catch {
		return { result: content };
	}
}

/** generateContent shape: `user`/`model` turns of parts; tool calls as functionCall, results as functionResponse. */
export function toGemini(messages: ChatMessage[]): { systemInstruction: { parts: Part[] } | null; contents: Content[] } {
	const system: string[] = [];
	const contents: Content[] = [];
	const callNames = new Map<string, string>();
	const push = (role: "user" | "model", parts: Part[]) => {
		if (!parts.length) return;
		const last = contents[contents.length - 1];
		if (last && last.role === role) last.parts.push(...parts);
		else contents.push({ role, parts });
	};
	for (const m of messages) {
		if (m.role === "system") {
			if (m.content) system.push(m.content);
		} else if (m.role === "assistant") {
			const parts: Part[] = m.content ? [{ text: m.content }] : [];
			for (const c of m.tool_calls ?? []) {
				callNames.set(c.id, c.name);
				parts.push({ functionCall: { name: c.name, args: c.arguments ?? {} } });
			}
			push("model", parts);
		} else if (m.role === "tool") {
			const name = m.name ?? callNames.get(m.tool_call_id ?? "") ?? "tool";
			push("user", [{ functionResponse: { name, response: toolResponse(m.content) } }]);
		} else {
			push("user", [{ text: m.content }]);
		}
	}
	return { systemInstruction: system.length ? { parts: [{ text: system.join("\n\n") }] } : null, contents };
}

const FINISH: Record<string, string> = { STOP: "stop", MAX_TOKENS: "length", SAFETY: "content_filter", RECITATION: "content_filter", PROHIBITED_CONTENT: "content_filter", BLOCKLIST: "content_filter", SPII: "content_filter" };

function headersFor(target: ModelTarget): Record<string, string> {
	const headers: Record<string, string> = { ...target.headers };
	// The key travels in a header, never in the URL, so it cannot leak through URLs in messages or logs.
	if (target.api_key) headers["x-goog-api-key"] = target.api_key;
	return headers;
}

const modelPath = (model: string) => `/models/${encodeURIComponent(model.replace(/^models\//, ""))}`;

/** Gemini API streamGenerateContent (SSE) with function calling. */
export async function callGoogle(target: ModelTarget, request: ModelRequest, hooks: ModelHooks): Promise<ModelResult> {
	const call = new UpstreamCall(hooks, "Google", [target.api_key]);
	const url = joinUrl(target.base_url ?? GOOGLE_BASE, `${modelPath(target.model)}:streamGenerateContent?alt=sse`);
	const { systemInstruction, contents } = toGemini(request.messages);
	const body: Record<string, unknown> = { contents };
	if (systemInstruction) body.systemInstruction = systemInstruction;
	const generationConfig: Record<string, unknown> = {};
	if (request.max_tokens != null) generationConfig.maxOutputTokens = request.max_tokens;
	if (request.temperature != null) generationConfig.temperature = request.temperature;
	if (Object.keys(generationConfig).length) body.generationConfig = generationConfig;
	if (request.tools?.length) {
		body.tools = [{ functionDeclarations: request.tools.map(t => ({ name: t.name, description: t.description, parameters: toGeminiSchema(t.input_schema ?? { type: "object", properties: {} }) })) }];
	}
	const res = await call.post(url, headersFor(target), body);
	const chunks: any[] = [];
	if (isJsonResponse(res)) {
		const whole = await call.json(res);
		chunks.push(...(Array.isArray(whole) ? whole : [whole]));
	}
	let content = "";
	let finish = "";
	let usage: any = null;
	const toolCalls: ToolCall[] = [];
	const take = (chunk: any) => {
		if (chunk?.error) throw call.fail(`Google reported: ${chunk.error.message ?? "stream error"}`);
		if (chunk?.usageMetadata) usage = chunk.usageMetadata;
		const candidate = chunk?.candidates?.[0];
		for (const part of candidate?.content?.parts ?? []) {
			if (typeof part.text === "string" && part.text && !part.thought) {
				content += part.text;
				hooks.onToken?.(part.text);
			}
			if (part.functionCall) {
				toolCalls.push({ id: part.functionCall.id ?? `call_${toolCalls.length}`, name: part.functionCall.name, arguments: part.functionCall.args ?? {} });
			}
		}
		if (candidate?.finishReason) finish = candidate.finishReason;
	};
	if (chunks.length) chunks.forEach(take);
	else {
		for await (const { data } of call.events(res)) {
			let chunk: any;
			try {
				chunk = JSON.parse(data);
			} catch {
				continue;
			}
			take(chunk);
		}
	}
	return {
		content,
		tool_calls: toolCalls,
		tokens_input: usage?.promptTokenCount ?? 0,
		tokens_output: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
		finish_reason: toolCalls.length ? "tool_calls" : (FINISH[finish] ?? (finish ? finish.toLowerCase() : "stop"))
	};
}

/** Gemini API batchEmbedContents. */
export async function embedGoogle(target: ModelTarget, input: string[], hooks: ModelHooks): Promise<EmbeddingResult> {
	const call = new UpstreamCall(hooks, "Google", [target.api_key]);
	const model = `models/${target.model.replace(/^models\//, "")}`;
	const url = joinUrl(target.base_url ?? GOOGLE_BASE, `${modelPath(target.model)}:batchEmbedContents`);
	const res = await call.post(url, headersFor(target), { requests: input.map(text => ({ model, content: { parts: [{ text }] } })) });
	const body = await call.json(res);
	const vectors: number[][] = (body?.embeddings ?? []).map((e: any) => e.values);
	if (vectors.length !== input.length) throw call.fail(`Google answered ${vectors.length} embeddings for ${input.length} inputs`);
	return { vectors, tokens_input: 0 };
}
