import request from "supertest";
import { REDIS_URL, startGateway, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_CoordinationClusterKey_0123456789abcdefgh".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };

/**
 * A gateway/data process and two runtime processes over the real Redis transporter: agent A's actor
 * lives only on runtime-a, agent B's only on runtime-b. Messages from A's runs reach B's actor on the
 * other node through the trust middleware there, exactly once, and are refused once the policy says so.
 */
describe("coordination across runtime nodes over Redis", () => {
	const namespace = uniqueNamespace("coordination");
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace };
	let gateway: NodeProcess;
	let runtimeA: NodeProcess | undefined;
	let runtimeB: NodeProcess | undefined;
	let http: ReturnType<typeof request>;
	let a: any;
	let b: any;

	const api = (method: "get" | "post" | "put", path: string, body?: object) => {
		const r = http[method](`/api/v1${path}`).set(auth);
		return body ? r.send(body) : r;
	};
	const steps = async (runId: string) => (await api("get", `/runtime/runs/${runId}/steps`)).body.items as any[];
	const messages = async (from: string, to: string) =>
		((await api("get", `/coordination/messages?agent_id=${from}&direction=outbound&limit=200`)).body.items as any[]).filter(m => m.to_agent_id === to);
	const runsOf = async (agentId: string) => (await api("get", `/runtime/runs?agent_id=${agentId}&limit=200`)).body.items as any[];

	beforeAll(async () => {
		gateway = await startGateway(common, KEY, ["coordination"]);
		http = request(`http://127.0.0.1:${gateway.port}`);
		const agent = async (name: string, model: string) => {
			const created = (await api("post", "/agents", { name, model }).expect(201)).body;
			for (const target_state of ["testing", "active"]) await api("post", `/lifecycle/${created.id}/promote`, { target_state }).expect(200);
			return created;
		};
		a = await agent("coord-sender", "mock-tools");
		b = await agent("coord-receiver", "mock-echo");
		[runtimeA, runtimeB] = await Promise.all([
			startNode({ ...common, NODE_ID: "runtime-a", SERVICES: "actors", FLUXGATE_ACTOR_AGENTS: a.id }),
			startNode({ ...common, NODE_ID: "runtime-b", SERVICES: "actors", FLUXGATE_ACTOR_AGENTS: b.id })
		]);
		await until(async () => {
			const workers = (await api("get", "/admin/workers")).body.items as any[];
			const hosts = (actor: string) => workers.filter(w => w.services.includes(actor)).map(w => w.node_id).join();
			return hosts(`agent-actor.${a.id}`) === "runtime-a" && hosts(`agent-actor.${b.id}`) === "runtime-b";
		}, 30_000, "A's actor only on runtime-a and B's only on runtime-b");
	}, 120_000);

	afterAll(async () => {
		await Promise.all([stopNode(runtimeA), stopNode(runtimeB)]);
		await stopNode(gateway);
	});

	test("a request and a delegation from A's run on runtime-a reach B's actor on runtime-b exactly once", async () => {
		const policy = (await api("post", "/coordination/trust-policies", { source_agent_id: a.id, target_agent_id: b.id, trust_level: "medium", allowed_actions: ["message", "delegate"] }).expect(201)).body;
		const input = [
			`CALL send_message {"to_agent": "${b.name}", "content": "please echo", "message_type": "request"}`,
			`CALL delegate_task {"to_agent": "${b.id}", "task": "delegated work"}`
		].join("\n");
		const run = (await api("post", "/runtime/execute", { agent_id: a.id, input, timeout_seconds: 120 })).body;
		expect(run.status).toBe("completed");
		const messageSteps = (await steps(run.id)).filter(s => s.type === "message");
		expect(messageSteps.map(s => [s.name, s.status])).toEqual([[b.name, "completed"], [b.name, "completed"]]);
		expect(messageSteps[1].output).toMatchObject({ status: "completed", output: "delegated work" });

		const sent = await messages(a.id, b.id);
		expect(sent.map(m => m.message_type).sort()).toEqual(["delegate", "request"]);
		expect(sent.every(m => m.origin_run_id === run.id && m.run_id)).toBe(true);
		// Each message started exactly one run of B, and each of those runs answered exactly once.
		const bRuns = await until(async () => {
			const runs = await runsOf(b.id);
			return runs.length === 2 && runs.every(r => r.status === "completed") ? runs : null;
		}, 60_000, "B's two runs to complete");
		expect(bRuns.map(r => r.trigger_ref).sort()).toEqual(sent.map(m => m.id).sort());
		expect(bRuns.every(r => r.trigger === "coordination")).toBe(true);
		const responses = await until(async () => {
			const back = await messages(b.id, a.id);
			return back.length >= 2 ? back : null;
		}, 30_000, "the two responses");
		expect(responses.map(m => m.in_reply_to).sort()).toEqual(sent.map(m => m.id).sort());

		// A message sent through the API from the gateway also travels to B's actor on runtime-b.
		const viaApi = (await api("post", "/coordination/messages", { from_agent_id: a.id, to_agent_id: b.id, content: "from the API", message_type: "request" }).expect(201)).body;
		await until(async () => (await runsOf(b.id)).some(r => r.trigger_ref === viaApi.id && r.status === "completed"), 60_000, "the API request's run");
		expect((await runsOf(b.id)).filter(r => r.trigger_ref === viaApi.id)).toHaveLength(1);

		// Lowering the policy to `none` reaches runtime-b's cache through the change event: the next call is refused
		// there (the policy stays enabled, so A's runs are still offered the tools).
		await api("put", `/coordination/trust-policies/${policy.id}`, { trust_level: "none", allowed_actions: [] }).expect(200);
		const refused = (await api("post", "/runtime/execute", { agent_id: a.id, input: `CALL send_message {"to_agent": "${b.id}", "content": "still there?", "message_type": "request"}`, timeout_seconds: 120 })).body;
		expect(refused.status).toBe("completed");
		const denied = (await steps(refused.id)).filter(s => s.type === "message");
		expect(denied.map(s => [s.status, s.error?.code])).toEqual([["denied", "TRUST_POLICY_DENIED"]]);
		expect((await messages(a.id, b.id)).length).toBe(3);
		expect((await runsOf(b.id)).length).toBe(3);
		const apiDenied = await api("post", "/coordination/messages", { from_agent_id: a.id, to_agent_id: b.id, content: "and now?" });
		expect(apiDenied.status).toBe(403);
		expect(apiDenied.body.error).toMatchObject({ code: "TRUST_POLICY_DENIED", details: { source_agent_id: a.id, target_agent_id: b.id, action: "message" } });
	}, 240_000);
});
