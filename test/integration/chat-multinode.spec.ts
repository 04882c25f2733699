import type { ServiceBroker } from "moleculer";
import request from "supertest";
import { observer, REDIS_URL, startGateway, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";
import { openSse, type SseResponse } from "../helpers/sse";

const KEY = "fgk_ChatMultiNodeOwnerKey_0123456789abcdefgh".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };

interface Exchange {
	content: string;
	reply: SseResponse;
}

/**
 * A gateway/data process (every data-owning service, chat included) and two runtime processes
 * (agent actors only) over the real Redis transporter: chat runs of one session are handled one
 * after another in send order, wherever they execute, while sessions proceed in parallel.
 */
describe("chat sessions across runtime nodes over Redis", () => {
	const namespace = uniqueNamespace("chat-multinode");
	let gateway: NodeProcess;
	let runtimeA: NodeProcess;
	let runtimeB: NodeProcess;
	let watcher: ServiceBroker;
	let http: ReturnType<typeof request>;
	let baseUrl: string;
	let agent: any;
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace };

	beforeAll(async () => {
		gateway = await startGateway(common, KEY, ["prompts", "chat"]);
		[runtimeA, runtimeB] = await Promise.all([
			startNode({ ...common, NODE_ID: "runtime-a", SERVICES: "actors" }),
			startNode({ ...common, NODE_ID: "runtime-b", SERVICES: "actors" })
		]);
		baseUrl = `http://127.0.0.1:${gateway.port}`;
		http = request(baseUrl);
		watcher = await observer(namespace);
		agent = (await http.post("/api/v1/agents").set(auth).send({ name: "chat-cluster-agent", model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		await until(async () => {
			const workers = (await http.get("/api/v1/admin/workers").set(auth)).body.items as any[];
			return workers.filter(w => w.services.includes(`agent-actor.${agent.id}`)).length === 2;
		}, 20_000, "the agent actor on both runtime nodes");
	}, 120_000);

	afterAll(async () => {
		await watcher?.stop();
		await Promise.all([stopNode(runtimeA), stopNode(runtimeB), stopNode(gateway)]);
	});

	const openSession = async () => (await http.post("/api/v1/chat/sessions").set(auth).send({ agent_id: agent.id }).expect(201)).body;

	/** Sends `contents` to one session in this order, each as soon as the previous send was accepted, and reads every reply stream. */
	async function burst(sessionId: string, contents: string[]): Promise<Exchange[]> {
		const pending: Promise<Exchange>[] = [];
		for (const content of contents) {
			const sse = openSse("POST", `${baseUrl}/api/v1/chat/sessions/${sessionId}/stream`, KEY, { content });
			expect(await sse.started).toBe(200);
			pending.push(sse.done.then(reply => ({ content, reply })));
		}
		return Promise.all(pending);
	}

	/** The session's runs in message order, with the reply each message got. */
	async function runsOf(sessionId: string) {
		const messages = (await http.get(`/api/v1/chat/sessions/${sessionId}/messages?order=asc&limit=200`).set(auth)).body.items as any[];
		const replies = messages.filter(m => m.role === "assistant");
		return Promise.all(replies.map(async m => ({ message: m, run: (await http.get(`/api/v1/runtime/runs/${m.run_id}`).set(auth)).body })));
	}

	function expectInOrder(sessionId: string, exchanges: Exchange[], handled: { message: any; run: any }[]) {
		const echo = (content: string) => content.replace(/^SLEEP \d+\n/, "");
		expect(exchanges.map(e => e.reply.events[e.reply.events.length - 1].event)).toEqual(exchanges.map(() => "message.completed"));
		expect(exchanges.map(e => e.reply.events[e.reply.events.length - 1].data.content)).toEqual(exchanges.map(e => echo(e.content)));
		// Every delta of a reply belongs to that reply, and together they are its text.
		for (const e of exchanges) {
			const final = e.reply.events[e.reply.events.length - 1].data;
			const deltas = e.reply.events.filter(x => x.event === "message.delta");
			expect(deltas.every(d => d.data.message_id === final.id)).toBe(true);
			expect(deltas.map(d => d.data.delta).join("")).toBe(final.content);
		}
		// Replies came back in send order ...
		const completedAt = exchanges.map(e => e.reply.events[e.reply.events.length - 1].at);
		expect([...completedAt].sort((a, b) => a - b)).toEqual(completedAt);
		// ... because each message's run started only after the previous run of the session had finished.
		expect(handled.map(h => h.message.content)).toEqual(exchanges.map(e => echo(e.content)));
		for (const h of handled) expect(h.run).toMatchObject({ status: "completed", trigger: "chat", session_id: sessionId });
		for (let i = 1; i < handled.length; i++) {
			expect(Date.parse(handled[i].run.started_at)).toBeGreaterThanOrEqual(Date.parse(handled[i - 1].run.completed_at));
		}
	}

	test("chat runs are routed to the agent's actors by session id (Moleculer's shard strategy)", async () => {
		// The strategy travels with the action definition: the observer's registry learned it from the runtime nodes.
		const endpoints = (watcher.registry as any).actions.get(`agent-actor.${agent.id}.chat`);
		expect(endpoints.strategy.constructor.name).toBe("ShardStrategy");
		expect(endpoints.strategy.opts.shardKey).toBe("session_id");
		const nodeOf = (session_id: string) => endpoints.strategy.select(endpoints.endpoints, { params: { session_id } }).id;
		const picks = Array.from({ length: 40 }, (_, i) => `chs_${i}`).map(nodeOf);
		expect(new Set(picks)).toEqual(new Set(["runtime-a", "runtime-b"]));
		expect(Array.from({ length: 40 }, (_, i) => `chs_${i}`).map(nodeOf)).toEqual(picks);
	});

	test("a burst of messages to one session is answered in send order, one message at a time", async () => {
		const session = await openSession();
		// Mixed durations: without the session mailbox the short ones would overtake the long ones.
		const contents = ["SLEEP 900\nm0 slow", "m1 instant", "SLEEP 300\nm2 medium", "m3 instant", "SLEEP 600\nm4 slow", "m5 instant", "m6 instant", "SLEEP 200\nm7 short"];
		const exchanges = await burst(session.id, contents);
		expectInOrder(session.id, exchanges, await runsOf(session.id));
	}, 120_000);

	test("several sessions at once: each in order, the sessions in parallel on both runtime nodes", async () => {
		const sessions = await Promise.all(Array.from({ length: 6 }, () => openSession()));
		const busy = new Map<string, number>();
		let sampling = true;
		const sampler = (async () => {
			while (sampling) {
				for (const nodeID of ["runtime-a", "runtime-b"]) {
					const status: any = await watcher.call(`agent-actor.${agent.id}.status`, {}, { nodeID }).catch(() => null);
					if (status) busy.set(nodeID, Math.max(busy.get(nodeID) ?? 0, status.running));
				}
				await new Promise(r => setTimeout(r, 50));
			}
		})();
		const results = await Promise.all(sessions.map((s, i) => burst(s.id, [`SLEEP 700\ns${i} first`, `s${i} second`, `SLEEP 300\ns${i} third`])));
		sampling = false;
		await sampler;
		const handled = await Promise.all(sessions.map(s => runsOf(s.id)));
		sessions.forEach((s, i) => expectInOrder(s.id, results[i], handled[i]));
		// Different sessions did not wait for each other: their first runs overlapped.
		const firsts = handled.map(h => h[0].run);
		const latestStart = Math.max(...firsts.map(r => Date.parse(r.started_at)));
		const earliestEnd = Math.min(...firsts.map(r => Date.parse(r.completed_at)));
		expect(latestStart).toBeLessThan(earliestEnd);
		// Runs executed concurrently across the cluster (the sampler saw several at once).
		expect([...busy.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(1);
	}, 180_000);
});
