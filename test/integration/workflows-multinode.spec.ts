import type { ServiceBroker } from "moleculer";
import request from "supertest";
import { observer, REDIS_URL, startGateway, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_WorkflowClusterKey_0123456789abcdefghij".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };

/**
 * A gateway/data node process (every data-owning service with the embedded store, the workflows
 * service among them) and two runtime node processes (agent actors and workflow-run actors), over
 * the real Redis transporter.
 */
describe("workflow executions across runtime nodes over Redis", () => {
	const namespace = uniqueNamespace("workflows");
	let gateway: NodeProcess;
	const runtimes = new Map<string, NodeProcess>();
	let watcher: ServiceBroker;
	let http: ReturnType<typeof request>;
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace };

	beforeAll(async () => {
		gateway = await startGateway(common, KEY, ["workflows"]);
		const [a, b] = await Promise.all([
			startNode({ ...common, NODE_ID: "runtime-a", SERVICES: "actors,workflow-runner" }),
			startNode({ ...common, NODE_ID: "runtime-b", SERVICES: "actors,workflow-runner" })
		]);
		runtimes.set("runtime-a", a);
		runtimes.set("runtime-b", b);
		http = request(`http://127.0.0.1:${gateway.port}`);
		watcher = await observer(namespace);
	}, 90_000);

	afterAll(async () => {
		await watcher?.stop();
		await Promise.all([...runtimes.values()].map(n => stopNode(n)));
		await stopNode(gateway);
	});

	test("SIGKILL of the node hosting the workflow-run actor: another node re-homes it from the journal, finished steps are not repeated", async () => {
		const agent = (await http.post("/api/v1/agents").set(auth).send({ name: "wf-cluster-agent", model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		await until(async () => {
			const workers = (await http.get("/api/v1/admin/workers").set(auth)).body.items as any[];
			return workers.filter(w => w.services.includes(`agent-actor.${agent.id}`)).length === 2;
		}, 20_000, "the agent actor on both runtime nodes");

		const workflow = (
			await http
				.post("/api/v1/workflows")
				.set(auth)
				.send({
					name: "cluster-diamond",
					steps: [
						{ id: "a", agent_id: agent.id, input_template: "SLEEP 500\nA {{input}}" },
						{ id: "b", agent_id: agent.id, depends_on: ["a"], input_template: "SLEEP 8000\nB {{steps.a.output}}" },
						{ id: "c", agent_id: agent.id, depends_on: ["a"], input_template: "SLEEP 8000\nC {{steps.a.output}}" },
						{ id: "d", agent_id: agent.id, depends_on: ["b", "c"], input_template: "D {{steps.b.output}} + {{steps.c.output}}" }
					]
				})
				.expect(201)
		).body;
		const accepted = (await http.post(`/api/v1/workflows/${workflow.id}/execute`).set(auth).send({ input: "x" }).expect(202)).body;
		const execution = async () => (await http.get(`/api/v1/workflows/executions/${accepted.id}`).set(auth)).body;
		const state = (e: any, id: string) => e.step_states.find((s: any) => s.step_id === id);

		// "a" finished, "b" and "c" are in flight.
		const midway = await until(async () => {
			const e = await execution();
			return state(e, "a").status === "completed" && state(e, "b").run_id && state(e, "c").run_id ? e : null;
		}, 30_000, "step a done and b, c running");
		const actorStatus = () => watcher.call(`workflow-run.${accepted.id}.status`, {}).catch(() => null) as Promise<any>;
		const status = await until(actorStatus, 10_000, "the workflow-run actor in the registry");
		expect(runtimes.has(status.node_id)).toBe(true);
		expect(status.running_steps.sort()).toEqual(["b", "c"]);

		// Every node seen hosting the actor (it lives only as long as the execution runs, so watch the registry rather than poll it).
		const hosts = new Set<string>([status.node_id]);
		const noteHosts = () => {
			for (const svc of watcher.registry.getServiceList({ onlyAvailable: true }) as any[]) if (svc.name === `workflow-run.${accepted.id}`) hosts.add(svc.nodeID);
		};
		watcher.localBus.on("$services.changed", noteHosts);

		await stopNode(runtimes.get(status.node_id), "SIGKILL");
		runtimes.delete(status.node_id);
		const survivor = [...runtimes.keys()][0];

		const done = await until(async () => {
			const e = await execution();
			return ["completed", "failed", "cancelled"].includes(e.status) ? e : null;
		}, 90_000, "the execution to end");
		watcher.localBus.off("$services.changed", noteHosts);
		expect(done.status).toBe("completed");
		expect([...hosts].sort()).toEqual([status.node_id, survivor].sort());
		expect(done.output).toEqual({ d: "D B A x + C A x" });
		expect(state(done, "a")).toEqual(state(midway, "a"));
		expect(state(done, "b").run_id).toBe(state(midway, "b").run_id);
		expect(state(done, "c").run_id).toBe(state(midway, "c").run_id);

		const runs = (await http.get("/api/v1/runtime/runs?trigger=workflow&limit=200").set(auth)).body.items.filter((r: any) => r.trigger_ref === accepted.id);
		const perStep: Record<string, number> = {};
		for (const run of runs) perStep[run.metadata.step_id] = (perStep[run.metadata.step_id] ?? 0) + 1;
		expect(perStep).toEqual({ a: 1, b: 1, c: 1, d: 1 });
		expect(runs.every((r: any) => r.status === "completed")).toBe(true);
		expect(done.tokens_input).toBe(runs.reduce((sum: number, r: any) => sum + r.tokens_input, 0));
	}, 180_000);

	test("cancel through the gateway stops the actor on its runtime node and cancels the step's run there", async () => {
		const agents = (await http.get("/api/v1/agents?search=wf-cluster-agent").set(auth)).body.items;
		const workflow = (
			await http
				.post("/api/v1/workflows")
				.set(auth)
				.send({ name: "cluster-cancel", steps: [{ id: "long", agent_id: agents[0].id, input_template: "SLEEP 30000\n{{input}}" }, { id: "next", agent_id: agents[0].id, depends_on: ["long"] }] })
				.expect(201)
		).body;
		const accepted = (await http.post(`/api/v1/workflows/${workflow.id}/execute`).set(auth).send({ input: "x" }).expect(202)).body;
		const running = await until(async () => {
			const e = (await http.get(`/api/v1/workflows/executions/${accepted.id}`).set(auth)).body;
			return e.step_states[0].run_id ? e : null;
		}, 30_000, "the long step's run");
		const actor = `workflow-run.${accepted.id}`;
		const host: any = await until(() => watcher.call(`${actor}.status`, {}).catch(() => null), 10_000, "the actor in the registry");
		expect(host.running_steps).toEqual(["long"]);

		const cancelled = await http.post(`/api/v1/workflows/executions/${accepted.id}/cancel`).set(auth).expect(200);
		expect(cancelled.body.step_states.map((s: any) => s.status)).toEqual(["cancelled", "skipped"]);
		await until(async () => !watcher.registry.getServiceList({ onlyAvailable: true }).some((s: any) => s.name === actor), 15_000, "the actor to be removed");
		const run = (await http.get(`/api/v1/runtime/runs/${running.step_states[0].run_id}`).set(auth)).body;
		expect(run).toMatchObject({ status: "cancelled", error: { code: "CANCELLED" } });
		expect((await http.get(`/api/v1/workflows/executions/${accepted.id}`).set(auth)).body.status).toBe("cancelled");
	}, 90_000);

	test("a runtime node shutting down (SIGTERM) hands its executions over to a node that joined", async () => {
		const agents = (await http.get("/api/v1/agents?search=wf-cluster-agent").set(auth)).body.items;
		const [leaving] = [...runtimes.keys()];
		const joining = await startNode({ ...common, NODE_ID: "runtime-c", SERVICES: "actors,workflow-runner" });
		runtimes.set("runtime-c", joining);
		await until(async () => {
			const workers = (await http.get("/api/v1/admin/workers").set(auth)).body.items as any[];
			return workers.some(w => w.node_id === "runtime-c" && w.services.includes("workflow-runner") && w.services.includes(`agent-actor.${agents[0].id}`));
		}, 30_000, "runtime-c with its runner and the agent actor");
		const workflow = (
			await http
				.post("/api/v1/workflows")
				.set(auth)
				.send({
					name: "cluster-handover",
					steps: [
						{ id: "first", agent_id: agents[0].id, input_template: "SLEEP 3000\nfirst {{input}}" },
						{ id: "second", agent_id: agents[0].id, depends_on: ["first"], input_template: "second after {{steps.first.output}}" }
					]
				})
				.expect(201)
		).body;
		// Start executions until one lands on the node that will leave (dispatch is round-robin).
		let accepted: any;
		let host: any;
		for (let i = 0; i < 6 && host?.node_id !== leaving; i++) {
			accepted = (await http.post(`/api/v1/workflows/${workflow.id}/execute`).set(auth).send({ input: `try ${i}` }).expect(202)).body;
			host = await until(() => watcher.call(`workflow-run.${accepted.id}.status`, {}).catch(() => null), 10_000, "the actor in the registry");
		}
		expect(host.node_id).toBe(leaving);
		await stopNode(runtimes.get(leaving), "SIGTERM");
		runtimes.delete(leaving);
		const done = await until(async () => {
			const e = (await http.get(`/api/v1/workflows/executions/${accepted.id}`).set(auth)).body;
			return ["completed", "failed", "cancelled"].includes(e.status) ? e : null;
		}, 90_000, "the handed-over execution to end");
		expect(done.status).toBe("completed");
		expect(done.output).toEqual({ second: `second after first ${accepted.input}` });
		const runs = (await http.get("/api/v1/runtime/runs?trigger=workflow&limit=200").set(auth)).body.items.filter((r: any) => r.trigger_ref === accepted.id);
		expect(runs.map((r: any) => r.metadata.step_id).sort()).toEqual(["first", "second"]);
	}, 180_000);
});
