import { callModel, embed, type ModelTarget } from "../../services/providers/adapters";
import { costOf } from "../../services/providers/catalogue";
import { startFakeAnthropic, startFakeGoogle, startFakeOpenAI, type FakeLlm } from "../fixtures/fake-llm";

const loopback = { allowPrivateNetwork: true, allowedHosts: [] };
const KEY = "sk-test-abcdef0123456789";
const TOOLS = [{ name: "lookup", description: "Look a thing up", input_schema: { type: "object", properties: { q: { type: "string" } }, required: ["q"], additionalProperties: false } }];

const target = (kind: ModelTarget["kind"], base_url: string, model: string, extra: Partial<ModelTarget> = {}): ModelTarget => ({
	kind,
	base_url,
	api_key: KEY,
	api_version: null,
	headers: {},
	model,
	...extra
});

describe("OpenAI-compatible adapter", () => {
	let fake: FakeLlm;
	afterEach(() => fake?.close());

	it("streams tokens in order, takes usage from the upstream and sends the key and tools", async () => {
		fake = await startFakeOpenAI([{ chunks: ["Hel", "lo ", "world"], usage: { input: 21, output: 7 } }]);
		const tokens: string[] = [];
		const result = await callModel(
			target("openai", fake.baseUrl, "gpt-4o", { headers: { "x-extra": "1" } }),
			{ messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }], tools: TOOLS, max_tokens: 50, temperature: 0.2 },
			{ policy: loopback, onToken: t => tokens.push(t) }
		);
		expect(tokens).toEqual(["Hel", "lo ", "world"]);
		expect(result).toEqual({ content: "Hello world", tool_calls: [], tokens_input: 21, tokens_output: 7, finish_reason: "stop" });
		const req = fake.requests[0];
		expect(req.path).toBe("/v1/chat/completions");
		expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
		expect(req.headers["x-extra"]).toBe("1");
		expect(req.body.stream).toBe(true);
		expect(req.body.stream_options).toEqual({ include_usage: true });
		expect(req.body.max_completion_tokens).toBe(50);
		expect(req.body.tools[0]).toEqual({ type: "function", function: { name: "lookup", description: "Look a thing up", parameters: TOOLS[0].input_schema } });
	});

	it("parses streamed tool calls and sends tool results back in OpenAI's shape", async () => {
		fake = await startFakeOpenAI([{ tool_calls: [{ id: "call_a", name: "lookup", arguments: { q: "fluxgate" } }, { id: "call_b", name: "lookup", arguments: { q: "x" } }], usage: { input: 5, output: 9 } }]);
		const result = await callModel(
			target("groq", fake.baseUrl, "llama-3.3-70b-versatile"),
			{
				messages: [
					{ role: "user", content: "find" },
					{ role: "assistant", content: "", tool_calls: [{ id: "call_0", name: "lookup", arguments: { q: "old" } }] },
					{ role: "tool", tool_call_id: "call_0", name: "lookup", content: '{"hits":1}' }
				],
				tools: TOOLS,
				max_tokens: 10
			},
			{ policy: loopback }
		);
		expect(result.tool_calls).toEqual([
			{ id: "call_a", name: "lookup", arguments: { q: "fluxgate" } },
			{ id: "call_b", name: "lookup", arguments: { q: "x" } }
		]);
		expect(result.finish_reason).toBe("tool_calls");
		expect(result.tokens_output).toBe(9);
		const sent = fake.requests[0].body;
		expect(sent.max_tokens).toBe(10);
		expect(sent.messages[1]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "call_0", type: "function", function: { name: "lookup", arguments: '{"q":"old"}' } }] });
		expect(sent.messages[2]).toEqual({ role: "tool", tool_call_id: "call_0", content: '{"hits":1}' });
	});

	it("retries an upstream 429 once, then succeeds", async () => {
		fake = await startFakeOpenAI([{ status: 429 }, { content: "after retry" }]);
		const result = await callModel(target("openai", fake.baseUrl, "gpt-4o-mini"), { messages: [{ role: "user", content: "x" }] }, { policy: loopback });
		expect(result.content).toBe("after retry");
		expect(fake.requests).toHaveLength(2);
	});

	it("gives up after two 5xx answers with PROVIDER_ERROR that never shows the key", async () => {
		fake = await startFakeOpenAI([{ status: 500 }, { status: 502, error_message: `Incorrect API key provided: ${KEY}` }, { content: "never" }]);
		const err: any = await callModel(target("openai", fake.baseUrl, "gpt-4o"), { messages: [{ role: "user", content: "x" }] }, { policy: loopback }).catch(e => e);
		expect(err.type).toBe("PROVIDER_ERROR");
		expect(err.code).toBe(503);
		expect(err.message).toContain("502");
		expect(err.message).toContain("Incorrect API key provided: ****");
		expect(err.message).not.toContain(KEY);
		expect(fake.requests).toHaveLength(2);
	});

	it("does not retry a 400", async () => {
		fake = await startFakeOpenAI([{ status: 400 }, { content: "never" }]);
		const err: any = await callModel(target("openai", fake.baseUrl, "gpt-4o"), { messages: [{ role: "user", content: "x" }] }, { policy: loopback }).catch(e => e);
		expect(err.type).toBe("PROVIDER_ERROR");
		expect(fake.requests).toHaveLength(1);
	});

	it("calls Azure deployments with api-version and the api-key header", async () => {
		fake = await startFakeOpenAI([{ content: "azure" }]);
		const result = await callModel(target("azure_openai", fake.url, "my-deploy", { api_version: "2024-06-01" }), { messages: [{ role: "user", content: "x" }] }, { policy: loopback });
		expect(result.content).toBe("azure");
		const req = fake.requests[0];
		expect(req.path).toBe("/openai/deployments/my-deploy/chat/completions?api-version=2024-06-01");
		expect(req.headers["api-key"]).toBe(KEY);
		expect(req.headers.authorization).toBeUndefined();
	});

	it("refuses loopback targets unless the policy allows them (SSRF)", async () => {
		fake = await startFakeOpenAI([{ content: "x" }]);
		const err: any = await callModel(target("openai", fake.baseUrl, "gpt-4o"), { messages: [{ role: "user", content: "x" }] }, { policy: { allowPrivateNetwork: false, allowedHosts: [] } }).catch(e => e);
		expect(err.type).toBe("PROVIDER_ERROR");
		expect(err.message).toMatch(/private or loopback/);
		expect(fake.requests).toHaveLength(0);
	});

	it("aborts an in-flight stream when the signal fires", async () => {
		fake = await startFakeOpenAI([{ content: "one two three four five six", delay_ms: 100 }]);
		const controller = new AbortController();
		const tokens: string[] = [];
		const pending = callModel(target("openai", fake.baseUrl, "gpt-4o"), { messages: [{ role: "user", content: "x" }] }, {
			policy: loopback,
			signal: controller.signal,
			onToken: t => {
				tokens.push(t);
				controller.abort();
			}
		});
		const err: any = await pending.catch(e => e);
		expect(err.type).toBe("CANCELLED");
		expect(tokens.length).toBeLessThan(6);
	});

	it("embeds through /embeddings", async () => {
		fake = await startFakeOpenAI();
		const result = await embed(target("openai", fake.baseUrl, "text-embedding-3-small"), ["ab", "abcd"], { policy: loopback });
		expect(result.vectors).toEqual([[2, 1, 0], [4, 1, 0]]);
	});
});

describe("Anthropic adapter", () => {
	let fake: FakeLlm;
	afterEach(() => fake?.close());

	it("streams text, parses tool_use blocks and reports upstream usage", async () => {
		fake = await startFakeAnthropic([{ chunks: ["Let me ", "check."], tool_calls: [{ id: "toolu_1", name: "lookup", arguments: { q: "a" } }], usage: { input: 40, output: 12 } }]);
		const tokens: string[] = [];
		const result = await callModel(
			target("anthropic", fake.url, "claude-3-5-haiku-latest"),
			{
				messages: [
					{ role: "system", content: "sys" },
					{ role: "user", content: "q" },
					{ role: "assistant", content: "", tool_calls: [{ id: "toolu_0", name: "lookup", arguments: { q: "z" } }] },
					{ role: "tool", tool_call_id: "toolu_0", content: "result" }
				],
				tools: TOOLS,
				max_tokens: 64
			},
			{ policy: loopback, onToken: t => tokens.push(t) }
		);
		expect(tokens).toEqual(["Let me ", "check."]);
		expect(result).toEqual({
			content: "Let me check.",
			tool_calls: [{ id: "toolu_1", name: "lookup", arguments: { q: "a" } }],
			tokens_input: 40,
			tokens_output: 12,
			finish_reason: "tool_calls"
		});
		const req = fake.requests[0];
		expect(req.path).toBe("/v1/messages");
		expect(req.headers["x-api-key"]).toBe(KEY);
		expect(req.headers["anthropic-version"]).toBe("2023-06-01");
		expect(req.body.system).toBe("sys");
		expect(req.body.tools[0]).toEqual({ name: "lookup", description: "Look a thing up", input_schema: TOOLS[0].input_schema });
		expect(req.body.messages[1]).toEqual({ role: "assistant", content: [{ type: "tool_use", id: "toolu_0", name: "lookup", input: { q: "z" } }] });
		expect(req.body.messages[2]).toEqual({ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_0", content: "result" }] });
	});

	it("retries a 529-style 5xx once", async () => {
		fake = await startFakeAnthropic([{ status: 529 }, { content: "fine" }]);
		const result = await callModel(target("anthropic", fake.url, "claude-3-5-sonnet-latest"), { messages: [{ role: "user", content: "x" }] }, { policy: loopback });
		expect(result.content).toBe("fine");
		expect(fake.requests).toHaveLength(2);
	});
});

describe("Google adapter", () => {
	let fake: FakeLlm;
	afterEach(() => fake?.close());

	it("streams generateContent with functionDeclarations and parses function calls", async () => {
		fake = await startFakeGoogle([{ chunks: ["Hi ", "there"], tool_calls: [{ name: "lookup", arguments: { q: "g" } }], usage: { input: 8, output: 4 } }]);
		const tokens: string[] = [];
		const result = await callModel(
			target("google", fake.baseUrl, "gemini-2.0-flash"),
			{
				messages: [
					{ role: "system", content: "sys" },
					{ role: "user", content: "q" },
					{ role: "assistant", content: "", tool_calls: [{ id: "c0", name: "lookup", arguments: { q: "z" } }] },
					{ role: "tool", tool_call_id: "c0", content: '{"n":1}' }
				],
				tools: TOOLS,
				max_tokens: 32
			},
			{ policy: loopback, onToken: t => tokens.push(t) }
		);
		expect(tokens).toEqual(["Hi ", "there"]);
		expect(result.content).toBe("Hi there");
		expect(result.tool_calls).toEqual([{ id: "call_0", name: "lookup", arguments: { q: "g" } }]);
		expect([result.tokens_input, result.tokens_output, result.finish_reason]).toEqual([8, 4, "tool_calls"]);
		const req = fake.requests[0];
		expect(req.path).toBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
		expect(req.headers["x-goog-api-key"]).toBe(KEY);
		expect(req.path).not.toContain(KEY);
		expect(req.body.systemInstruction).toEqual({ parts: [{ text: "sys" }] });
		expect(req.body.generationConfig).toEqual({ maxOutputTokens: 32 });
		expect(req.body.tools[0].functionDeclarations[0]).toEqual({
			name: "lookup",
			description: "Look a thing up",
			parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] }
		});
		expect(req.body.contents[1]).toEqual({ role: "model", parts: [{ functionCall: { name: "lookup", args: { q: "z" } } }] });
		expect(req.body.contents[2]).toEqual({ role: "user", parts: [{ functionResponse: { name: "lookup", response: { n: 1 } } }] });
	});
});

describe("costOf", () => {
	it("prices per 1k tokens and rounds half up to 6 decimals", () => {
		expect(costOf(1000, 1000, { input_per_1k: 0.0025, output_per_1k: 0.01 })).toBe(0.0125);
		expect(costOf(1, 0, { input_per_1k: 0.0005, output_per_1k: 0 })).toBe(0.000001);
		expect(costOf(1, 0, { input_per_1k: 0.0004, output_per_1k: 0 })).toBe(0);
		expect(costOf(3, 7, { input_per_1k: 0.00015, output_per_1k: 0.0006 })).toBe(0.000005);
	});
});
