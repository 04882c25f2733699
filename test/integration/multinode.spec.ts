import type { ServiceBroker } from "moleculer";
import request from "supertest";
import { observer, REDIS_URL, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

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
	let watcher: ServiceBroker;
	let http: ReturnType<typeof request>;

	beforeAll(async () => {
		const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace };
		gateway = await startNode({ ...common, NODE_ID: "gateway", FLUXGATE_BOOTSTRAP_KEY: KEY, SERVICES: "api,admin,rbac,auth,audit,agents,lifecycle,providers,secrets,tools,runtime" });
		[runtimeA, runtimeB] = await Promise.all([
			startNode({ ...common, NODE_ID: "runtime-a", SERVICES: "actors" }),
			startNode({ ...common, NODE_ID: "runtime-b", SERVICES: "actors" })
		]);
		http = request(`http://127.0.0.1:${gateway.port}`);
		watcher = await observer(namespace);
	}, 90_000);

	afterAll(async () => {
		await watcher?.stop();
		await Promise.all([stopNode(runtimeA), stopNode(runtimeB), stopNode(gateway)]);
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
			const runs = await Promise.all(accepted.map(id => http.get(`/api/v1/runtime/runs/${id}`).set(auth)));
			const statuses = runs.map(r => r.body);
			return statuses.every(r => ["completed", "failed"].includes(r.status)) ? statuses : null;
		}, 60_000, "every accepted run to end");
		for (const run of finished) {
			if (run.status === "failed") expect(run.error?.message).toBeTruthy();
			else expect(run.output).toMatch(/^run \d+$/);
		}
		expect(finished.filter(r => r.status === "completed").length).toBeGreaterThan(0);
		const stuck = await http.get("/api/v1/runtime/runs?status=running").set(auth);
		expect(stuck.body.total).toBe(0);
		expect((await http.get("/api/v1/runtime/runs?status=queued").set(auth)).body.total).toBe(0);
	}, 120_000);
});
