import type { ServiceBroker } from "moleculer";
import request from "supertest";
import { startEchoServer, type EchoServer } from "../fixtures/echo-server";
import { observer, REDIS_URL, startGateway, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_MultiNodeOwnerKey_0123456789abcdefghijk".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };

/**
 * A gateway process (every data-owning service, embedded store) and two runtime node processes
 * (agent actors only), over the real Redis transporter.
 */
describe("runs across runtime nodes over Redis", () => {
	const namespace = uniqueNamespace("multinode");
	let gateway: NodeProcess;
	let runtimeA: NodeProcess;
	let runtimeB: NodeProcess;
	let runtimeC: NodeProcess | undefined;
	let watcher: ServiceBroker;
	let http: ReturnType<typeof request>;
	let upstream: EchoServer;
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace };

	beforeAll(async () => {
		upstream = await startEchoServer();
		gateway = await startGateway(common, KEY, [], { FLUXGATE_ALLOW_PRIVATE_NETWORK: "true" });
		[runtimeA, runtimeB] = await Promise.all([
			startNode({ ...common, NODE_ID: "runtime-a", SERVICES: "actors" }),
			startNode({ ...common, NODE_ID: "runtime-b", SERVICES: "actors" })
		]);
		http = request(`http://127.0.0.1:${gateway.port}`);
		watcher = await observer(namespace);
	}, 90_000);

	afterAll(async () => {
		await watcher?.stop();
		await Promise.all([stopNode(runtimeA), stopNode(runtimeB), stopNode(runtimeC), stopNode(gateway)]);
		await upstream?.close();
	});

	test("runs spread over both nodes; SIGKILL of one node loses no accepted run", async () => {
		const agent = (await http.post("/api/v1/agents").set(auth).send({ name: "cluster-agent", model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		const actor = `agent-actor.${agent.id}`;
		await until(async () => {
			const workers = (await http.get("/api/v1/admin/workers").set(auth)).body.items as any[];
			const hosting = workers.filter(w => w.services.includes(actor)).map(w => w.node_id).sort();
			return hosting.length === 2 && hosting.join() === "runtime-a,runtime-b";
		}, 15_000, "the actor on both runtime nodes");

		const accepted: string[] = [];
		for (let i = 0; i < 16; i++) {
			const res = await http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: `SLEEP 2500\nrun ${i}` });
			expect(res.status).toBe(202);
			accepted.push(res.body.id);
		}

		// Both nodes are executing some of them.
		const load = await until(async () => {
			const [a, b] = await Promise.all(["runtime-a", "runtime-b"].map(nodeID => watcher.call(`${actor}.status`, {}, { nodeID }) as Promise<any>));
			return a.running > 0 && b.running > 0 ? { a: a.running, b: b.running } : null;
		}, 10_000, "runs on both nodes");
		expect(load.a + load.b).toBeGreaterThan(2);

		await stopNode(runtimeA, "SIGKILL");

		const finished = await until(async () => {
			const runs = (await http.get(`/api/v1/runtime/runs?agent_id=${agent.id}&limit=200`).set(auth)).body.items as any[];
			return runs.length === accepted.length && runs.every(r => ["completed", "failed"].includes(r.status)) ? runs : null;
		}, 60_000, "every accepted run to end");
		expect(finished.map(r => r.id).sort()).toEqual([...accepted].sort());
		for (const run of finished) {
			if (run.status === "failed") expect(run.error?.message).toBeTruthy();
			else expect(run.output).toMatch(/^run \d+$/);
		}
		expect(finished.filter(r => r.status === "completed").length).toBeGreaterThan(0);
		const stuck = await http.get("/api/v1/runtime/runs?status=running").set(auth);
		expect(stuck.body.total).toBe(0);
		expect((await http.get("/api/v1/runtime/runs?status=queued").set(auth)).body.total).toBe(0);
	}, 120_000);

	test("a run taken over after its node dies does not repeat a finished tool call; the call in flight ends WORKER_LOST", async () => {
		// runtime-a was killed above; runtime-b serves alone until runtime-c joins.
		const tool = async (name: string, path: string) =>
			(
				await http
					.post("/api/v1/tools")
					.set(auth)
					.send({ name, description: name, type: "rest_api", endpoint: `${upstream.url}${path}`, safety_level: "safe", timeout_seconds: 120 })
					.expect(201)
			).body;
		const fast = await tool("fast_lookup", "/fast");
		const slow = await tool("slow_lookup", "/slow?ms=90000");
		const agent = (await http.post("/api/v1/agents").set(auth).send({ name: "takeover-agent", model: "mock-tools", tools: [fast.id, slow.id] }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		await until(async () => {
			const workers = (await http.get("/api/v1/admin/workers").set(auth)).body.items as any[];
			return workers.some(w => w.node_id === "runtime-b" && w.services.includes(`agent-actor.${agent.id}`));
		}, 15_000, "the actor on runtime-b");

		const run = (await http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: 'CALL fast_lookup {"q":1}\nCALL slow_lookup {"q":2}' }).expect(202)).body;
		await until(async () => upstream.requests.some(r => r.path === "/slow"), 15_000, "the slow tool call in flight");
		runtimeC = await startNode({ ...common, NODE_ID: "runtime-c", SERVICES: "actors" });
		await stopNode(runtimeB, "SIGKILL");

		const done = await until(async () => {
			const r = (await http.get(`/api/v1/runtime/runs/${run.id}`).set(auth)).body;
			return ["completed", "failed"].includes(r.status) ? r : null;
		}, 60_000, "the run to be resumed on runtime-c");
		expect(done.status).toBe("completed");
		const steps = (await http.get(`/api/v1/runtime/runs/${run.id}/steps`).set(auth)).body.items;
		const toolSteps = steps.filter((s: any) => s.type === "tool_call");
		expect(toolSteps.map((s: any) => [s.name, s.status, s.error?.code ?? null])).toEqual([
			["fast_lookup", "completed", null],
			["slow_lookup", "failed", "WORKER_LOST"]
		]);
		expect(upstream.requests.filter(r => r.path === "/fast")).toHaveLength(1);
		expect(done.output).toContain("TOOL_RESULT fast_lookup");
		expect(done.output).toContain("WORKER_LOST");
	}, 120_000);
});
