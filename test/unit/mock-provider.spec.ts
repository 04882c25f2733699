import { callModel, embed, mockEmbed, type ChatMessage, type ModelTarget } from "../../services/providers/adapters";

const policy = { allowPrivateNetwork: false, allowedHosts: [] };
const mock = (model: string): ModelTarget => ({ kind: "mock", base_url: null, api_key: null, api_version: null, headers: {}, model });
const user = (content: string): ChatMessage => ({ role: "user", content });
const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

describe("mock-echo", () => {
	it("answers the last user message without its SLEEP and FAIL lines, counting ceil(chars/4) tokens", async () => {
		const messages: ChatMessage[] = [{ role: "system", content: "You are terse." }, user("earlier"), { role: "assistant", content: "ok" }, user("line one\nSLEEP 0\nline two")];
		const tokens: string[] = [];
		const result = await callModel(mock("mock-echo"), { messages }, { policy, onToken: t => tokens.push(t) });
		expect(result.content).toBe("line one\nline two");
		expect(tokens.join("")).toBe("line one\nline two");
		expect(tokens).toEqual(["line ", "one\n", "line ", "two"]);
		const chars = "You are terse.".length + "earlier".length + "ok".length + "line one\nSLEEP 0\nline two".length;
		expect(result.tokens_input).toBe(Math.ceil(chars / 4));
		expect(result.tokens_output).toBe(Math.ceil("line one\nline two".length / 4));
		expect(result.tool_calls).toEqual([]);
		expect(result.finish_reason).toBe("stop");
	});

	it("is deterministic and keeps the text otherwise unchanged", async () => {
		const text = "  spaced   words\n\nand {\"json\": true}  ";
		const a = await callModel(mock("mock-echo"), { messages: [user(text)] }, { policy });
		const b = await callModel(mock("mock-echo"), { messages: [user(text)] }, { policy });
		expect(a).toEqual(b);
		expect(a.content).toBe(text);
	});

	it("fails with PROVIDER_ERROR on a FAIL line", async () => {
		const err: any = await callModel(mock("mock-echo"), { messages: [user("hello\nFAIL")] }, { policy }).catch(e => e);
		expect(err.type).toBe("PROVIDER_ERROR");
		expect(err.code).toBe(503);
	});

	it("streams word-sized tokens spread over SLEEP <ms>", async () => {
		const times: number[] = [];
		const started = Date.now();
		const result = await callModel(mock("mock-echo"), { messages: [user("SLEEP 300\na b c")] }, { policy, onToken: () => times.push(Date.now() - started) });
		expect(result.content).toBe("a b c");
		expect(times).toHaveLength(3);
		expect(times[0]).toBeGreaterThanOrEqual(80);
		expect(times[2]).toBeGreaterThanOrEqual(280);
		expect(times[0]).toBeLessThan(times[2]);
	});

	it("honours an abort during SLEEP", async () => {
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 50);
		const err: any = await callModel(mock("mock-echo"), { messages: [user("SLEEP 5000\nslow answer")] }, { policy, signal: controller.signal }).catch(e => e);
		expect(err.type).toBe("CANCELLED");
		expect(Date.now() - started).toBeLessThan(1000);
	});
});

describe("mock-tools", () => {
	const input = 'please\nCALL lookup {"q": "a b"}\nCALL web.fetch {"url":"https://example.com"}';

	it("requests every CALL line's tool on the first turn, in order, with no output tokens", async () => {
		const result = await callModel(mock("mock-tools"), { messages: [user(input)], tools: [{ name: "lookup", description: "d", input_schema: {} }] }, { policy });
		expect(result.content).toBe("");
		expect(result.tool_calls.map(c => [c.name, c.arguments])).toEqual([
			["lookup", { q: "a b" }],
			["web.fetch", { url: "https://example.com" }]
		]);
		expect(new Set(result.tool_calls.map(c => c.id)).size).toBe(2);
		expect(result.tokens_output).toBe(0);
		expect(result.tokens_input).toBe(Math.ceil(input.length / 4));
		expect(result.finish_reason).toBe("tool_calls");
	});

	it("answers one TOOL_RESULT line per result on the next turn", async () => {
		const first = await callModel(mock("mock-tools"), { messages: [user(input)] }, { policy });
		const messages: ChatMessage[] = [
			user(input),
			{ role: "assistant", content: "", tool_calls: first.tool_calls },
			{ role: "tool", tool_call_id: first.tool_calls[0].id, content: '{ "hits": [1, 2] }' },
			{ role: "tool", tool_call_id: first.tool_calls[1].id, name: "web.fetch", content: '{"error":{"code":"TOOL_TIMEOUT"}}' }
		];
		const second = await callModel(mock("mock-tools"), { messages }, { policy });
		expect(second.content).toBe('TOOL_RESULT lookup {"hits":[1,2]}\nTOOL_RESULT web.fetch {"error":{"code":"TOOL_TIMEOUT"}}');
		expect(second.tool_calls).toEqual([]);
		expect(second.tokens_output).toBe(Math.ceil(second.content.length / 4));
		const chars = messages.reduce((n, m) => n + m.content.length, 0);
		expect(second.tokens_input).toBe(Math.ceil(chars / 4));
	});

	it("behaves like mock-echo without CALL lines", async () => {
		const result = await callModel(mock("mock-tools"), { messages: [user("just text\nFAIL")] }, { policy }).catch(e => e);
		expect(result.type).toBe("PROVIDER_ERROR");
		const echo = await callModel(mock("mock-tools"), { messages: [user("CALL broken {not json}\nSLEEP 0")] }, { policy });
		expect(echo.content).toBe("CALL broken {not json}");
		expect(echo.tool_calls).toEqual([]);
	});
});

describe("mock-embed", () => {
	it("is a 256-dimension L2-normalised vector: identical texts score 1, shared words score higher", () => {
		const v = mockEmbed("The quick brown fox");
		expect(v).toHaveLength(256);
		expect(cosine(v, v)).toBeCloseTo(1, 10);
		expect(cosine(v, mockEmbed("the QUICK brown fox"))).toBeCloseTo(1, 10);
		const near = cosine(v, mockEmbed("a quick brown dog"));
		const far = cosine(v, mockEmbed("lorem ipsum dolor"));
		expect(near).toBeGreaterThan(far);
		expect(mockEmbed("")).toEqual(new Array(256).fill(0));
	});

	it("embeds through the adapter and refuses chat calls", async () => {
		const result = await embed(mock("mock-embed"), ["hello world"], { policy });
		expect(result.vectors[0]).toEqual(mockEmbed("hello world"));
		const err: any = await callModel(mock("mock-embed"), { messages: [user("x")] }, { policy }).catch(e => e);
		expect(err.type).toBe("PROVIDER_ERROR");
	});
});
