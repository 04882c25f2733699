import { Errors, ServiceBroker } from "moleculer";
import { loadConfig } from "../../lib/config";
import brokerOptions from "../../moleculer.config";
import { LocalCalls } from "../../services/api/local-call";

/** The gateway's direct call of a local action keeps what broker.call gives it: hooks, validation, timeouts. */
describe("local calls of the gateway's read path", () => {
	let broker: ServiceBroker;
	let calls: LocalCalls;
	const seen: string[] = [];

	beforeAll(async () => {
		broker = new ServiceBroker({ ...brokerOptions(loadConfig({ LOG_LEVEL: "warn" })), logger: false });
		broker.createService({
			name: "sample",
			hooks: { before: { echo: [() => void seen.push("before hook")] } },
			actions: {
				echo: { params: { n: "number" }, handler: (ctx: any) => ({ n: ctx.params.n, meta: ctx.meta.tag }) },
				hang: { timeout: 50, handler: () => new Promise(() => undefined) },
				fallback: { fallback: () => Promise.resolve("fallback"), handler: () => Promise.reject(new Error("x")) }
			} as any
		});
		await broker.start();
		calls = new LocalCalls(broker);
	});
	afterAll(() => broker.stop());

	const call = (action: string, params: Record<string, unknown>) => {
		const endpoint = calls.endpointOf(action)!;
		const chain = calls.chainOf(endpoint)!;
		return calls.run(endpoint, chain, calls.contextOf(endpoint, params, { requestID: "req-1", meta: { tag: "t" } }));
	};

	test("answers like broker.call, through the service's hooks and with validated params", async () => {
		expect(await call("sample.echo", { n: 2 })).toEqual({ n: 2, meta: "t" });
		expect(seen).toEqual(["before hook"]);
		await expect(call("sample.echo", { n: "two" })).rejects.toBeInstanceOf(Errors.ValidationError);
		expect(seen).toHaveLength(1);
	});

	test("a call past its action's timeout fails with RequestTimeoutError", async () => {
		const started = Date.now();
		await expect(call("sample.hang", {})).rejects.toBeInstanceOf(Errors.RequestTimeoutError);
		expect(Date.now() - started).toBeGreaterThanOrEqual(50);
		expect(Date.now() - started).toBeLessThan(2_500);
	});

	test("actions with a fallback and actions of other nodes are left to broker.call", () => {
		expect(calls.chainOf(calls.endpointOf("sample.fallback")!)).toBeNull();
		expect(calls.endpointOf("elsewhere.read")).toBeNull();
	});
});
