import { spawn } from "node:child_process";
import path from "node:path";
import request from "supertest";
import { REDIS_URL, startGateway, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_ReplOwnerKey_0123456789abcdefghijklmnopq".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };
const REPL = path.join(__dirname, "../../dist/bin/repl.js");

/** The built REPL binary, one command through `--exec`, as an operator would run it. */
function repl(namespace: string, line: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [REPL, "--exec", line], { env: { ...process.env, TRANSPORTER: REDIS_URL, NAMESPACE: namespace, LOG_LEVEL: "warn" } });
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
		child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
		child.once("exit", code => resolve({ code, stdout, stderr }));
	});
}

/** A gateway/data node and two runtime nodes over Redis, looked at and drained through the REPL's commands. */
describe("REPL commands on a live cluster", () => {
	const namespace = uniqueNamespace("repl");
	let gateway: NodeProcess;
	const runtimes: NodeProcess[] = [];
	let http: ReturnType<typeof request>;
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace, FLUXGATE_SCALING_INTERVAL_MS: "1000" };

	beforeAll(async () => {
		gateway = await startGateway(common, KEY, ["scaling"]);
		runtimes.push(...(await Promise.all(["a", "b"].map(id => startNode({ ...common, NODE_ID: id, SERVICES: "actors,autoscaler" })))));
		http = request(`http://127.0.0.1:${gateway.port}`);
	}, 90_000);

	afterAll(async () => {
		await Promise.all(runtimes.map(n => stopNode(n)));
		await stopNode(gateway);
	});

	const actorsListing = async () => {
		const out = await repl(namespace, "actors --json");
		expect(out.code).toBe(0);
		return JSON.parse(out.stdout) as { nodes: any[]; actors: any[] };
	};
	const startRun = async (agentId: string, input: string) => (await http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agentId, input }).expect(202)).body.id as string;
	const runStatus = async (id: string) => (await http.get(`/api/v1/runtime/runs/${id}`).set(auth)).body.status;

	test("actors lists both nodes with mailbox depths, run shows steps, drain moves every actor to a, --undo gives b back", async () => {
		const agentIds: string[] = [];
		for (const name of ["repl-one", "repl-two"]) {
			const agent = (await http.post("/api/v1/agents").set(auth).send({ name, model: "mock-echo" }).expect(201)).body;
			for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
			agentIds.push(agent.id);
		}
		// The default of 4 replicas spreads 2 and 2 over the two runtime nodes.
		const listing = await until(async () => {
			const l = await actorsListing();
			return l.actors.filter(a => agentIds.includes(a.agent_id)).length === 4 ? l : null;
		}, 45_000, "both agents on both nodes");
		expect(listing.nodes.map(n => n.node_id)).toEqual(["a", "b"]);
		for (const row of listing.actors) {
			expect(["a", "b"]).toContain(row.node_id);
			expect(row).toMatchObject({ replicas: 2, state: "active", node_state: "active" });
			expect(typeof row.queued).toBe("number");
		}
		expect(listing.actors.find(a => a.agent_id === agentIds[0])?.agent_name).toBe("repl-one");

		// A queue builds in the mailboxes: the depth shows up in the listing.
		const burst: string[] = [];
		for (let i = 0; i < 10; i++) burst.push(await startRun(agentIds[0], `SLEEP 1500\nburst ${i}`));
		const deep = await until(async () => {
			const l = await actorsListing();
			return l.actors.some(a => a.agent_id === agentIds[0] && a.queued > 0) ? l : null;
		}, 20_000, "a queued mailbox");
		expect(deep.actors.filter(a => a.agent_id === agentIds[0]).reduce((n, a) => n + a.queued + a.running, 0)).toBeGreaterThan(0);
		const table = await repl(namespace, "actors --node b");
		expect(table.stdout).toMatch(/QUEUED/);
		expect(table.stdout.split("\n").filter(l => l.startsWith("b "))).not.toHaveLength(0);
		expect(table.stdout).not.toMatch(/^a\s/m);

		// `run` prints a finished run's steps (read across orgs: the REPL is an operator's tool).
		await until(async () => (await runStatus(burst[0])) === "completed", 30_000, "the first run to complete");
		const shown = await repl(namespace, `run ${burst[0]}`);
		expect(shown.code).toBe(0);
		expect(shown.stdout).toMatch(/status\s+completed/);
		expect(shown.stdout).toMatch(/llm_call/);
		const json = JSON.parse((await repl(namespace, `run ${burst[0]} --json`)).stdout);
		expect(json.steps.length).toBeGreaterThan(0);
		expect(json.run.id).toBe(burst[0]);
		expect((await repl(namespace, "run run_does_not_exist")).code).toBe(1);

		// Drain b while runs are in flight: every actor ends up on a, and every run completes.
		const during: string[] = [];
		for (let i = 0; i < 6; i++) during.push(await startRun(agentIds[1], `SLEEP 1000\ndrain ${i}`));
		const drained = await repl(namespace, "drain b --json --timeout 60");
		expect(drained.code).toBe(0);
		expect(JSON.parse(drained.stdout)).toMatchObject({ node_id: "b", draining: true, actors: 0, in_flight: 0, done: true });
		const after = await actorsListing();
		expect(after.actors.every(a => a.node_id === "a")).toBe(true);
		expect(after.nodes.find(n => n.node_id === "b")).toMatchObject({ draining: true, actors: 0 });
		for (const agentId of agentIds) expect(after.actors.find(a => a.agent_id === agentId)).toMatchObject({ node_id: "a", replicas: 4 });
		// New runs keep completing on a, and the autoscaler (evaluating every second) leaves b empty.
		const later = await startRun(agentIds[1], "after the drain");
		await until(async () => {
			const statuses = await Promise.all([...burst, ...during, later].map(runStatus));
			return statuses.every(s => s === "completed");
		}, 60_000, "every run to complete");
		await new Promise(r => setTimeout(r, 3000));
		expect((await actorsListing()).actors.filter(a => a.node_id === "b")).toHaveLength(0);
		const workers = (await http.get("/api/v1/admin/workers").set(auth).expect(200)).body.items as any[];
		expect(workers.find(w => w.node_id === "b")).toMatchObject({ agent_replicas: 0, status: "available" });

		// --undo: the autoscaler places replicas on b again.
		const undone = await repl(namespace, "drain b --undo");
		expect(undone.code).toBe(0);
		const back = await until(async () => {
			const l = await actorsListing();
			return l.actors.filter(a => a.node_id === "b").length === 2 ? l : null;
		}, 30_000, "actors on b again");
		expect(back.nodes.find(n => n.node_id === "b")?.draining).toBe(false);

		expect((await repl(namespace, "drain nowhere")).code).toBe(1);
	}, 240_000);
});
