import Redis from "ioredis";
import { randomBytes } from "node:crypto";
import { openStore, type Scope, type Store } from "../../lib/store";
import { CircuitBreaker } from "../../services/tools/circuit";
import { circuitStateOf, type ToolDoc } from "../../services/tools/model";
import { ToolRateLimiter } from "../../services/tools/limits";

let store: Store;
let tools: Scope<ToolDoc>;
let breaker: CircuitBreaker;
const T0 = 1_700_000_000_000;

beforeAll(async () => {
	store = openStore("memory", { dataDir: "", mongoUri: null });
	tools = (await store.repository<ToolDoc>("tools")).forOrg("org_1");
	breaker = new CircuitBreaker(tools);
});
afterAll(() => store.close());

let n = 0;
async function newTool(): Promise<ToolDoc> {
	return tools.insert({
		id: `tool_${++n}`,
		name: `t${n}`,
		timeout_seconds: 5,
		circuit_state: "closed",
		circuit_opened_at: null,
		circuit_failures: 0,
		circuit_window_start: null,
		circuit_trial_at: null
	} as Partial<ToolDoc> & { id: string });
}

const current = async (t: ToolDoc) => (await tools.get(t.id)) as ToolDoc;

/** One admitted call at `now` with the given outcome; answers whether it opened the circuit. */
async function call(t: ToolDoc, failed: boolean, now: number): Promise<boolean | "refused"> {
	const doc = await current(t);
	const admission = await breaker.admit(doc, now);
	if (admission === "open") return "refused";
	return breaker.record(await current(t), failed, admission === "trial", now);
}

describe("circuit breaker", () => {
	test("5 consecutive failures within 60 s open it for 30 s, then one half-open trial decides", async () => {
		const t = await newTool();
		for (let i = 0; i < 4; i++) expect(await call(t, true, T0 + i * 1000)).toBe(false);
		expect(await call(t, true, T0 + 5000)).toBe(true);
		expect(circuitStateOf(await current(t), T0 + 5000)).toBe("open");
		expect(await call(t, false, T0 + 34_999)).toBe("refused");

		const halfOpen = T0 + 35_000;
		expect(circuitStateOf(await current(t), halfOpen)).toBe("half_open");
		expect(await breaker.admit(await current(t), halfOpen)).toBe("trial");
		// While the trial runs, other callers are refused.
		expect(await breaker.admit(await current(t), halfOpen + 10)).toBe("open");
		// The trial fails: open again for 30 s from now.
		expect(await breaker.record(await current(t), true, true, halfOpen + 20)).toBe(true);
		expect(circuitStateOf(await current(t), halfOpen + 29_000)).toBe("open");

		const second = halfOpen + 20 + 30_000;
		expect(await breaker.admit(await current(t), second)).toBe("trial");
		expect(await breaker.record(await current(t), false, true, second)).toBe(false);
		expect(circuitStateOf(await current(t), second)).toBe("closed");
		expect((await current(t)).circuit_failures).toBe(0);
	});

	test("failures spread over more than 60 s, or broken by a success, do not open it", async () => {
		const spread = await newTool();
		for (let i = 0; i < 5; i++) expect(await call(spread, true, T0 + i * 20_000)).toBe(false);
		expect(circuitStateOf(await current(spread), T0 + 100_000)).toBe("closed");

		const broken = await newTool();
		for (const failed of [true, true, true, true, false, true, true, true, true]) await call(broken, failed, T0);
		expect(circuitStateOf(await current(broken), T0)).toBe("closed");
	});

	test("a trial that is released (never reached the tool) can be claimed again", async () => {
		const t = await newTool();
		for (let i = 0; i < 5; i++) await call(t, true, T0);
		const later = T0 + 31_000;
		expect(await breaker.admit(await current(t), later)).toBe("trial");
		await breaker.release(await current(t));
		expect(await breaker.admit(await current(t), later + 1)).toBe("trial");
	});

	test("a trial that never reports back is given up after the tool's timeout", async () => {
		const t = await newTool();
		for (let i = 0; i < 5; i++) await call(t, true, T0);
		const later = T0 + 31_000;
		expect(await breaker.admit(await current(t), later)).toBe("trial");
		expect(await breaker.admit(await current(t), later + 14_000)).toBe("open");
		expect(await breaker.admit(await current(t), later + 16_000)).toBe("trial");
	});

	test("reset closes an open circuit", async () => {
		const t = await newTool();
		for (let i = 0; i < 5; i++) await call(t, true, Date.now());
		expect(circuitStateOf(await current(t))).toBe("open");
		await breaker.reset(t.id);
		expect(circuitStateOf(await current(t))).toBe("closed");
	});
});

describe("tool rate limiter (in memory)", () => {
	test("counts per tool in fixed windows and tells how long to wait", async () => {
		const limiter = new ToolRateLimiter(null);
		const start = Date.UTC(2024, 0, 1, 10, 0, 50);
		const limit = { max_calls: 2, period: "minute" as const };
		expect((await limiter.hit("a", limit, start)).allowed).toBe(true);
		expect((await limiter.hit("a", limit, start)).allowed).toBe(true);
		const third = await limiter.hit("a", limit, start);
		expect(third).toMatchObject({ allowed: false, retryAfterSeconds: 10, windowSeconds: 60 });
		expect((await limiter.hit("b", limit, start)).allowed).toBe(true);
		expect((await limiter.hit("a", limit, start + 10_000)).allowed).toBe(true);
		const hourly = await limiter.hit("c", { max_calls: 1, period: "hour" }, start);
		expect(hourly).toMatchObject({ allowed: true, retryAfterSeconds: 3600 - 50, windowSeconds: 3600 });
	});
});

describe("tool rate limiter (Redis)", () => {
	test("nodes sharing Redis share the counter", async () => {
		const a = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
		const b = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
		try {
			const toolId = `tool_${randomBytes(6).toString("hex")}`;
			const limit = { max_calls: 3, period: "hour" as const };
			const nodeA = new ToolRateLimiter(a);
			const nodeB = new ToolRateLimiter(b);
			const now = Date.now();
			expect((await nodeA.hit(toolId, limit, now)).count).toBe(1);
			expect((await nodeB.hit(toolId, limit, now)).count).toBe(2);
			expect((await nodeA.hit(toolId, limit, now)).allowed).toBe(true);
			const refused = await nodeB.hit(toolId, limit, now);
			expect(refused.allowed).toBe(false);
			expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
			expect(refused.retryAfterSeconds).toBeLessThanOrEqual(3600);
		} finally {
			a.disconnect();
			b.disconnect();
		}
	});
});
