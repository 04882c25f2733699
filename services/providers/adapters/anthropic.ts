import { isJsonResponse, joinUrl, parseJsonObject, UpstreamCall } from "./http";
import type { ChatMessage, ModelHooks, ModelRequest, ModelResult, ModelTarget, ToolCall } from "./types";

export const ANTHROPIC_BASE = "https://api.anthropic.com";
const ANTHROPIC_VERSION = "2023-06-01";
const DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
type AnthropicMessage = { role: "user" | "assistant"; content: Block[] };

/** Messages API shape: system prompts apart, tool calls as tool_use blocks, results as tool_result blocks in a user turn. */
export function toAnthropic(messages: ChatMessage[]): { system: string; messages: AnthropicMessage[] } {
	const system: string[] = [];
	const out: AnthropicMessage[] = [];
	const push = (role: "user" | "assistant", blocks: Block[]) => {
		if (!blocks.length) return;
		const last = out[out.length - 1];
		// The API wants alternating roles: consecutive turns of one role are merged.
		if (last && last.role === role) last.content.push(...blocks);
		else out.push({ role, content: blocks });
	};
	for (const m of messages) {
		if (m.role === "system") {
			if (m.content) system.push(m.content);
		} else if (m.role === "tool") {
			push("user", [{ type: "tool_result", tool_use_id: m.tool_call_id ?? "", content: m.content }]);
		} else if (m.role === "assistant") {
			const blocks: Block[] = m.content ? [{ type: "text", text: m.content }] : [];
			for (const c of m.tool_calls ?? []) blocks.push({ type: "tool_use", id: c.id, name: c.name, input: c.arguments ?? {} });
			push("assistant", blocks);
		} else {
			push("user", [{ type: "text", text: m.content }]);
		}
	}
	return { system: system.join("\n\n"), messages: out };
}

const FINISH: Record<string, string> = { end_turn: "stop", stop_sequence: "stop", tool_use: "tool_calls", max_tokens: "length", refusal: "content_filter" };

/** Anthropic Messages API, streamed (SSE), with tool use. */
export async function callAnthropic(target: ModelTarget, request: ModelRequest, hooks: ModelHooks): Promise<ModelResult> {
	const call = new UpstreamCall(hooks, "Anthropic", [target.api_key]);
	const base = target.base_url ?? ANTHROPIC_BASE;
	const url = /\/v1\/?$/.test(base) ? joinUrl(base, "/messages") : joinUrl(base, "/v1/messages");
	const { system, messages } = toAnthropic(request.messages);
	const body: Record<string, unknown> = { model: target.model, max_tokens: request.max_tokens ?? DEFAULT_MAX_TOKENS, messages, stream: true };
	if (system) body.system = system;
	if (request.temperature != null) body.temperature = request.temperature;
	if (request.tools?.length) {
		body.tools = request.tools.map(t => ({ name: t.name, description: t.description, input_schema: t.input_schema ?? { type: "object", properties: {} } }));
	}
	const headers: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION, ...target.headers };
	if (target.api_key) headers["x-api-key"] = target.api_key;
	const res = await call.post(url, headers, body);
	if (isJsonResponse(res)) return fromMessage(await call.json(res), hooks);

	let content = "";
	let stop = "";
	let tokensIn = 0;
	let tokensOut = 0;
	const blocks = new Map<number, { type: string; id: string; name: string; json: string; input: unknown }>();
	for await (const { event, data } of call.events(res)) {
		let msg: any;
		try {
			msg = JSON.parse(data);
		} catch {
			continue;
		}
		const type = msg.type ?? event;
		if (type === "error") throw call.fail(`Anthropic reported: ${msg.error?.message ?? msg.error?.type ?? "stream error"}`);
		if (type === "message_start") {
			const u = msg.message?.usage ?? {};
			tokensIn = (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
			tokensOut = u.output_tokens ?? 0;
		} else if (type === "content_block_start") {
			const b = msg.content_block ?? {};
			blocks.set(msg.index, { type: b.type, id: b.id ?? "", name: b.name ?? "", json: "", input: b.input });
			if (b.type === "text" && b.text) {
				content += b.text;
				hooks.onToken?.(b.text);
			}
		} else if (type === "content_block_delta") {
			const d = msg.delta ?? {};
			if (d.type === "text_delta" && d.text) {
				content += d.text;
				hooks.onToken?.(d.text);
			} else if (d.type === "input_json_delta") {
				const b = blocks.get(msg.index);
				if (b) b.json += d.partial_json ?? "";
			}
		} else if (type === "message_delta") {
			if (msg.delta?.stop_reason) stop = msg.delta.stop_reason;
			if (msg.usage?.output_tokens != null) tokensOut = msg.usage.output_tokens;
			if (msg.usage?.input_tokens != null && !tokensIn) tokensIn = msg.usage.input_tokens;
		}
	}
	const toolCalls: ToolCall[] = [...blocks.entries()]
		.sort(([a], [b]) => a - b)
		.filter(([, b]) => b.type === "tool_use")
		.map(([, b]) => ({ id: b.id, name: b.name, arguments: b.json ? parseJsonObject(b.json) : ((b.input as Record<string, unknown>) ?? {}) }));
	return { content, tool_calls: toolCalls, tokens_input: tokensIn, tokens_output: tokensOut, finish_reason: FINISH[stop] ?? (stop || "stop") };
}

function fromMessage(body: any, hooks: ModelHooks): ModelResult {
	const blocks: any[] = Array.isArray(body?.content) ? body.content : [];
	const content = blocks.filter(b => b.type === "text").map(b => b.text).join("");
	if (content) hooks.onToken?.(content);
	const toolCalls = blocks.filter(b => b.type === "tool_use").map(b => ({ id: b.id, name: b.name, arguments: b.input ?? {} }));
	const stop = body?.stop_reason ?? "";
	return {
		content,
		tool_calls: toolCalls,
		tokens_input: body?.usage?.input_tokens ?? 0,
		tokens_output: body?.usage?.output_tokens ?? 0,
		finish_reason: FINISH[stop] ?? (stop || "stop")
	};
}
