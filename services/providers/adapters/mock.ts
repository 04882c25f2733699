import { cancelled, providerError } from "./http";
import type { ChatMessage, EmbeddingResult, ModelHooks, ModelRequest, ModelResult, ToolCall } from "./types";

/** The offline models of §27: deterministic, zero cost, no network. */
export const MOCK_CHAT_MODELS = ["mock-echo", "mock-tools"];
export const MOCK_EMBED_MODEL = "mock-embed";
export const EMBEDDING_DIMENSIONS = 256;
const MAX_SLEEP_MS = 60_000;

const SLEEP_LINE = /^\s*SLEEP\s+(\d+)\s*$/;
const FAIL_LINE = /^\s*FAIL\s*$/;
const CALL_LINE = /^\s*CALL\s+([A-Za-z0-9][A-Za-z0-9._-]{0,127})\s+(\{.*\})\s*$/;

/** ceil(characters / 4): the mock's token count (§27). */
export const mockTokens = (chars: number) => Math.ceil(chars / 4);

interface Controls {
	sleepMs: number;
	fail: boolean;
	/** The text with every SLEEP and FAIL line removed. */
	text: string;
	calls: { name: string; arguments: Record<string, unknown> }[];
}

export function parseControls(input: string): Controls {
	let sleepMs = 0;
	let fail = false;
	const kept: string[] = [];
	const calls: Controls["calls"] = [];
	for (const line of input.split("\n")) {
		const sleep = SLEEP_LINE.exec(line);
		if (sleep) {
			sleepMs = Math.max(sleepMs, Math.min(Number(sleep[1]), MAX_SLEEP_MS));
			continue;
		}
		if (FAIL_LINE.test(line)) {
			fail = true;
			continue;
		}
		kept.push(line);
		const call = CALL_LINE.exec(line);
		if (call) {
			try {
				const args = JSON.parse(call[2]);
				if (args && typeof args === "object" && !Array.isArray(args)) calls.push({ name: call[1], arguments: args });
			} catch {
				/* not a CALL line: plain text */
			}
		}
	}
	return { sleepMs, fail, text: kept.join("\n"), calls };
}

function compactResult(content: string): string {
	try {
		return JSON.stringify(JSON.parse(content));
	} catch {
		return JSON.stringify(content);
	}
}

/** What the mock answers for this conversation: text and/or tool calls. */
export function mockTurn(model: string, messages: ChatMessage[]): { controls: Controls; content: string; tool_calls: ToolCall[] } {
	let lastUser = -1;
	messages.forEach((m, i) => {
		if (m.role === "user") lastUser = i;
	});
	const controls = parseControls(lastUser >= 0 ? messages[lastUser].content : "");
	if (model === "mock-tools" && controls.calls.length) {
		const after = messages.slice(lastUser + 1);
		const results = after.filter(m => m.role === "tool");
		if (!results.length) {
			return { controls, content: "", tool_calls: controls.calls.map((c, i) => ({ id: `call_${i + 1}`, name: c.name, arguments: c.arguments })) };
		}
		const names = new Map<string, string>();
		for (const m of after) for (const c of m.tool_calls ?? []) names.set(c.id, c.name);
		const lines = results.map(r => `TOOL_RESULT ${r.name ?? names.get(r.tool_call_id ?? "") ?? "tool"} ${compactResult(r.content)}`);
		return { controls, content: lines.join("\n"), tool_calls: [] };
	}
	return { controls, content: controls.text, tool_calls: [] };
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) return Promise.reject(cancelled(signal));
	return new Promise((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(cancelled(signal));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}

/** Word-sized chunks whose concatenation is exactly `text`. */
export const wordChunks = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? [];

/** The mock provider (§27 "Mock models"). */
export async function callMock(model: string, request: ModelRequest, hooks: Pick<ModelHooks, "onToken" | "signal">): Promise<ModelResult> {
	if (!MOCK_CHAT_MODELS.includes(model)) {
		throw providerError(model === MOCK_EMBED_MODEL ? "mock-embed is an embedding model: it cannot answer chat calls" : `Unknown mock model ${model}`);
	}
	if (hooks.signal?.aborted) throw cancelled(hooks.signal);
	const { controls, content, tool_calls } = mockTurn(model, request.messages);
	const chars = request.messages.reduce((n, m) => n + (m.content?.length ?? 0), 0);
	const chunks = wordChunks(content);
	if (controls.fail) {
		if (controls.sleepMs) await wait(controls.sleepMs, hooks.signal);
		throw providerError("The mock provider failed as asked by a FAIL line");
	}
	if (controls.sleepMs && chunks.length) {
		const step = controls.sleepMs / chunks.length;
		for (const chunk of chunks) {
			await wait(step, hooks.signal);
			hooks.onToken?.(chunk);
		}
	} else {
		if (controls.sleepMs) await wait(controls.sleepMs, hooks.signal);
		for (const chunk of chunks) hooks.onToken?.(chunk);
	}
	return {
		content,
		tool_calls,
		tokens_input: mockTokens(chars),
		tokens_output: mockTokens(content.length),
		finish_reason: tool_calls.length ? "tool_calls" : "stop"
	};
}

/** 32-bit FNV-1a. */
function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (const byte of Buffer.from(text, "utf8")) {
		hash ^= byte;
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash;
}

/** mock-embed: 256-dimension L2-normalised vector of hashed lower-cased word counts (all zeros for no words). */
export function mockEmbed(text: string): number[] {
	const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
	for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) vector[fnv1a(word) % EMBEDDING_DIMENSIONS] += 1;
	const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0));
	return norm ? vector.map(v => v / norm) : vector;
}

export function embedMock(input: string[]): EmbeddingResult {
	return { vectors: input.map(mockEmbed), tokens_input: mockTokens(input.reduce((n, t) => n + t.length, 0)) };
}
