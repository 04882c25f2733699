import Redis from "ioredis";
import request from "supertest";
import { REDIS_URL, startGateway, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_ScalingOwnerKey_0123456789abcdefghijklmn".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };
const RUNTIME_NODES = ["runtime-a", "runtime-b", "runtime-c"];

/**
 * A gateway/data process and three runtime processes (agent actors + an autoscaler candidate each)
 * over the real Redis: one elected autoscaler places replicas on the other nodes as queue depth
 * grows, shrinks them after the cooldown, and a new autoscaler is elected when its node is killed.
 */
describe("autoscaling across runtime nodes over Redis", () => {
	const namespace = uniqueNamespace("scaling");
	let gateway: NodeProcess;
	const runtimes = new Map<string, NodeProcess>();
	let http: ReturnType<typeof request>;
	let redis: Redis;
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace, FLUXGATE_SCALING_INTERVAL_MS: "1000" };

	beforeAll(async () => {
		gateway = await startGateway(common, KEY, ["scaling"]);
		const started = await Promise.all(RUNTIME_NODES.map(id => startNode({ ...common, NODE_ID: id, SERVICES: "actors,autoscaler" })));
		started.forEach((node, i) => runtimes.set(RUNTIME_NODES[i], node));
		http = request(`http://127.0.0.1:${gateway.port}`);
		redis = new Redis(REDIS_URL);
	}, 90_000);

	afterAll(async () => {
		await redis?.quit();
		await Promise.all([...runtimes.values()].map(n => stopNode(n)));
		await stopNode(gateway);
	});

	const metricsOf = async (agentId: string) => (await http.get(`/api/v1/scaling/metrics?agent_id=${agentId}`).set(auth)).body.agents[0];
	const leader = () => redis.get(`fg:${namespace}:autoscaler:leader`);
	const burst = async (agentId: string, n: number, sleepMs = 2000) => {
		for (let i = 0; i < n; i++) expect((await http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agentId, input: `SLEEP ${sleepMs}\nrun ${i}` })).status).toBe(202);
	};

	test("replicas grow onto other nodes with queue depth, shrink after the cooldown, and survive the autoscaler's node", async () => {
		const agent = (await http.post("/api/v1/agents").set(auth).send({ name: "scaled-agent", model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		await http
			.post("/api/v1/scaling/rules")
			.set(auth)
			.send({ name: "queue", agent_id: agent.id, metric: "queue_depth", target_value: 1, scale_down_threshold: 0.5, min_instances: 1, max_instances: 6, cooldown_seconds: 2, scale_up_step: 3, scale_down_step: 5 })
			.expect(201);

		// Idle: down to one replica, on one node.
		const idle = await until(async () => {
			const m = await metricsOf(agent.id);
			return m?.replicas === 1 && m.nodes.length === 1 ? m : null;
		}, 60_000, "one replica while idle");
		expect(RUNTIME_NODES).toContain(idle.nodes[0].node_id);
		const first = await leader();
		expect(RUNTIME_NODES).toContain(first);

		await burst(agent.id, 12);
		const busy = await until(async () => {
			const m = await metricsOf(agent.id);
			return m?.replicas === 6 ? m : null;
		}, 60_000, "six replicas under load");
		expect(busy.nodes.map((n: any) => [n.node_id, n.replicas]).sort()).toEqual(RUNTIME_NODES.map(id => [id, 2]));

		// Every accepted run ends; with the queue empty the replicas go back down after the cooldown.
		await until(async () => (await http.get(`/api/v1/runtime/runs?agent_id=${agent.id}&status=completed&limit=1`).set(auth)).body.total === 12, 60_000, "the burst to complete");
		await until(async () => (await metricsOf(agent.id))?.replicas === 1, 60_000, "one replica again");

		// The autoscaler's node dies: another node is elected and scales the next burst.
		await stopNode(runtimes.get(first as string), "SIGKILL");
		runtimes.delete(first as string);
		const survivors = RUNTIME_NODES.filter(id => id !== first);
		const next = await until(async () => {
			const now = await leader();
			return now && now !== first ? now : null;
		}, 45_000, "a new autoscaler");
		expect(survivors).toContain(next);
		const killedAt = new Date().toISOString();
		await burst(agent.id, 12, 3000);
		// The new autoscaler's decisions are recorded: the agent grows again under the new burst.
		const grown = await until(async () => {
			const ups = (await http.get(`/api/v1/scaling/events?agent_id=${agent.id}&direction=up&created_after=${encodeURIComponent(killedAt)}`).set(auth)).body.items as any[];
			return ups.some(e => e.to_replicas >= 4) ? ups : null;
		}, 60_000, "the new autoscaler scaling up");
		expect(grown.length).toBeGreaterThan(0);
		// Once the cluster has dropped the dead node, every replica is on a survivor.
		const placed = await until(async () => {
			const m = await metricsOf(agent.id);
			return m?.replicas > 0 && m.nodes.every((n: any) => survivors.includes(n.node_id)) && m.nodes.length === survivors.length ? m : null;
		}, 60_000, "replicas on the surviving nodes");
		expect(placed.nodes.map((n: any) => n.node_id).sort()).toEqual(survivors);
	}, 300_000);
});
