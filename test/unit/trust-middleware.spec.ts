import { ServiceBroker, type Context } from "moleculer";
import { loadConfig } from "../../lib/config";
import brokerOptions from "../../moleculer.config";
import { POLICIES_CHANGED } from "../../middlewares/trust";
import { SOURCE_AGENT_META } from "../../services/coordination/deliver";
import type { PolicyRule } from "../../services/coordination/trust";

/** The trust middleware inside the broker as configured for every node: order, refusals, cache. */
describe("trust middleware", () => {
	let broker: ServiceBroker;
	const seen: string[] = [];
	const denials: any[] = [];
	let rules: PolicyRule[] = [];
	let loads = 0;
	const rule = (fields: Partial<PolicyRule> = {}): PolicyRule => ({
		id: "tpol_1", source_agent_id: "agt_a", target_agent_id: "agt_b", trust_level: "medium", allowed_actions: ["message"], enabled: true, expires_at: null, ...fields
	});
	const message = (fields: Record<string, unknown> = {}) => ({ id: "msg_1", org_id: "org_1", from_agent_id: "agt_a", to_agent_id: "agt_b", message_type: "notify", content: "hi", ...fields });
	const from = (agentId: string, orgId = "org_1") => ({ meta: { [SOURCE_AGENT_META]: { org_id: orgId, agent_id: agentId } } });
	const send = (params = message(), opts: any = from("agt_a")) => broker.call("agent-actor.agt_b.message", params, opts);
	const changed = async () => {
		await broker.broadcast(POLICIES_CHANGED, { org_id: "org_1" });
		await new Promise(r => setImmediate(r));
	};

	beforeAll(async () => {
		broker = new ServiceBroker({ ...brokerOptions(loadConfig({ LOG_LEVEL: "warn" })), logger: false });
		broker.createService({
			name: "coordination",
			actions: {
				policiesFor(ctx: Context<{ org_id: string }>) {
					loads += 1;
					return ctx.params.org_id === "org_1" ? rules : [];
				}
			}
		});
		broker.createService({
			name: "agent-actor.agt_b",
			metadata: { agent_id: "agt_b", org_id: "org_1", actor: true },
			hooks: { before: { message: () => void seen.push("before hook") } },
			actions: {
				message: {
					trust: true,
					params: { id: "string", org_id: "string", from_agent_id: "string", to_agent_id: "string", message_type: "string", content: "string" },
					handler: () => {
						seen.push("handler");
						return { delivered: true };
					}
				},
				status: () => "ok"
			},
			events: {
				"peer.ping"() {
					seen.push("event");
				}
			}
		});
		broker.createService({ name: "listener", events: { "coordination.denied": (ctx: Context) => void denials.push(ctx.params) } });
		await broker.start();
	});
	afterAll(() => broker.stop());
	beforeEach(async () => {
		seen.length = 0;
		denials.length = 0;
		rules = [rule()];
		await changed();
	});

	it("is registered inside Validator and outside ActionHook", () => {
		const names = (broker.middlewares as any).list.map((m: any) => m.name);
		expect(names.indexOf("Trust")).toBe(names.indexOf("ActionHook") + 1);
		expect(names.indexOf("Validator")).toBe(names.indexOf("Trust") + 1);
		expect(names).not.toContain("Cacher");
	});

	it("lets an allowed call through to the hooks and the handler", async () => {
		expect(await send()).toEqual({ delivered: true });
		expect(seen).toEqual(["before hook", "handler"]);
	});

	it("refuses before any hook or handler runs, with the contract's details, and announces the denial", async () => {
		const err: any = await send(message({ message_type: "delegate" })).catch(e => e);
		expect({ code: err.code, type: err.type, data: err.data }).toEqual({ code: 403, type: "TRUST_POLICY_DENIED", data: { source_agent_id: "agt_a", target_agent_id: "agt_b", action: "delegate" } });
		expect(seen).toEqual([]);
		await new Promise(r => setImmediate(r));
		expect(denials).toEqual([expect.objectContaining({ org_id: "org_1", message_id: "msg_1", from_agent_id: "agt_a", to_agent_id: "agt_b", message_type: "delegate", action: "delegate" })]);
	});

	it("refuses calls that name no sender, another org's sender or a sender other than the message's", async () => {
		for (const [params, opts] of [
			[message(), {}],
			[message(), from("agt_a", "org_2")],
			[message({ from_agent_id: "agt_c" }), from("agt_a")],
			[message({ from_agent_id: "agt_c" }), from("agt_c")]
		] as const) {
			expect(await send(params as any, opts).catch(e => e.type)).toBe("TRUST_POLICY_DENIED");
		}
		expect(seen).toEqual([]);
	});

	it("an actor calling from its own context cannot speak for another agent", async () => {
		broker.createService({
			name: "agent-actor.agt_c",
			metadata: { agent_id: "agt_c", org_id: "org_1", actor: true },
			actions: { spoof: (ctx: Context) => ctx.call("agent-actor.agt_b.message", message(), from("agt_a")) }
		});
		await broker.waitForServices(["agent-actor.agt_c"]);
		expect(await broker.call("agent-actor.agt_c.spoof").catch((e: any) => e.type)).toBe("TRUST_POLICY_DENIED");
		expect(seen).toEqual([]);
	});

	it("validation runs first: invalid params fail validation and reach neither trust nor handler", async () => {
		const err: any = await send({ ...message(), content: 5 } as any, {}).catch(e => e);
		expect(err.type).toBe("VALIDATION_ERROR");
		expect(seen).toEqual([]);
		expect(denials).toEqual([]);
	});

	it("actions not declared `trust` are not checked", async () => {
		expect(await broker.call("agent-actor.agt_b.status")).toBe("ok");
	});

	it("reads the policies once per org and node, then again only after a change event", async () => {
		const before = loads;
		for (let i = 0; i < 50; i++) await send();
		expect(loads - before).toBe(1);
		rules = [rule({ enabled: false })];
		expect(await send()).toEqual({ delivered: true });
		await changed();
		expect(await send().catch(e => e.type)).toBe("TRUST_POLICY_DENIED");
		expect(loads - before).toBe(2);
		rules = [rule({ expires_at: new Date(Date.now() + 1000).toISOString() })];
		await changed();
		expect(await send()).toEqual({ delivered: true });
		await new Promise(r => setTimeout(r, 1100));
		// Expiry is evaluated on every call, on cached data.
		expect(await send().catch(e => e.type)).toBe("TRUST_POLICY_DENIED");
	});

	it("drops agent-to-agent events the policies refuse; platform events pass", async () => {
		await broker.emit("peer.ping", { message_type: "notify" }, from("agt_a"));
		await broker.emit("peer.ping", { message_type: "notify" }, from("agt_x"));
		await broker.emit("peer.ping", {});
		await new Promise(r => setTimeout(r, 20));
		expect(seen).toEqual(["event", "event"]);
		expect(denials).toEqual([expect.objectContaining({ from_agent_id: "agt_x", to_agent_id: "agt_b", action: "message" })]);
	});
});
