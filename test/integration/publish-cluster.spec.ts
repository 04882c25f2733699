import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import request from "supertest";
import { REDIS_URL, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";
import { requestSse } from "../helpers/sse";

const KEY = "fgk_PublishClusterOwnerKey_0123456789abcdef".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };
const ORIGIN = "https://shop.example.com";

/**
 * Two node processes over the real Redis transporter: a core node (gateway, agents, runtime, actors,
 * billing, …) and a publish node (publish, public, chat and a second gateway). Public calls travel
 * gateway → public/chat on the other node → runtime and back, streams included; the publication's
 * rate limit is one counter across both gateways; rotation and deletion take effect on both at once.
 */
describe("Publications across node processes over Redis", () => {
	const namespace = uniqueNamespace("publish");
	let core: NodeProcess;
	let publishNode: NodeProcess;
	let coreHttp: ReturnType<typeof request>;
	let publishHttp: ReturnType<typeof request>;
	let publication: any;
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace, FLUXGATE_RATE_LIMIT: "100000" };

	beforeAll(async () => {
		[core, publishNode] = await Promise.all([
			startNode({
				...common,
				NODE_ID: "core",
				FLUXGATE_BOOTSTRAP_KEY: KEY,
				SERVICES: "api,admin,rbac,auth,audit,agents,lifecycle,providers,secrets,tools,budgets,cost,billing,prompts,runtime,actors"
			}),
			startNode({ ...common, NODE_ID: "publish-node", SERVICES: "api,publish,public,chat" })
		]);
		coreHttp = request(`http://127.0.0.1:${core.port}`);
		publishHttp = request(`http://127.0.0.1:${publishNode.port}`);
		await until(async () => (await coreHttp.get("/api/v1/publish").set(auth)).status === 200, 30_000, "the publish routes on the core gateway");
		await until(async () => (await publishHttp.get("/api/v1/agents").set(auth)).status === 200, 30_000, "the agent routes on the publish gateway");
		const agent = (await coreHttp.post("/api/v1/agents").set(auth).send({ name: "cluster-shop", model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await coreHttp.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		publication = (
			await coreHttp
				.post(`/api/v1/publish/agents/${agent.id}`)
				.set(auth)
				.send({ allowed_origins: [ORIGIN], mcp_enabled: true, rate_limit: { max_requests: 100, period: "minute" } })
				.expect(201)
		).body;
	}, 120_000);

	afterAll(async () => {
		await Promise.all([stopNode(publishNode), stopNode(core)]);
	});

	test("public chat, its SSE stream and the MCP endpoint cross the nodes; one rate-limit counter for both gateways", async () => {
		const { slug, public_key: key } = publication;
		await until(async () => (await coreHttp.get(`/api/v1/public/${slug}`).set("X-Fluxgate-Public-Key", key)).status === 200, 20_000, "the public route");

		const reply = await coreHttp.post(`/api/v1/public/${slug}/chat`).set("X-Fluxgate-Public-Key", key).set("Origin", ORIGIN).send({ message: "hello from node one", visitor_id: "vera" });
		expect(reply.status).toBe(201);
		expect(reply.headers["access-control-allow-origin"]).toBe(ORIGIN);
		expect(reply.body).toMatchObject({ status: "completed", content: "hello from node one" });
		const run = (await coreHttp.get(`/api/v1/runtime/runs/${reply.body.run_id}`).set(auth).expect(200)).body;
		expect(run).toMatchObject({ trigger: "public", trigger_ref: publication.id, mode: "production", end_user_id: "vera" });

		const streamed = await requestSse("POST", `http://127.0.0.1:${core.port}/api/v1/public/${slug}/chat?key=${key}`, "unused", {
			message: "streamed across nodes",
			session_id: reply.body.session_id,
			stream: true
		});
		expect(streamed.status).toBe(200);
		expect(streamed.events.filter(e => e.event === "message.delta").map(e => e.data.delta).join("")).toBe("streamed across nodes");
		expect(streamed.events[streamed.events.length - 1]).toMatchObject({ event: "message.completed", data: { session_id: reply.body.session_id } });

		const history = await publishHttp.get(`/api/v1/public/${slug}/sessions/${reply.body.session_id}/messages?order=asc`).set("X-Fluxgate-Public-Key", key);
		expect(history.body.items.map((m: any) => m.content)).toEqual(["hello from node one", "hello from node one", "streamed across nodes", "streamed across nodes"]);
		expect((await coreHttp.get(`/api/v1/chat/sessions?publication_id=${publication.id}`).set(auth)).body.total).toBe(1);

		const client = new Client({ name: "cluster-test", version: "1.0.0" });
		await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${publishNode.port}/api/v1/public/${slug}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${key}` } } }));
		try {
			const answer: any = await client.callTool({ name: "ask_agent", arguments: { message: "via mcp" } });
			expect(answer.structuredContent).toEqual({ reply: "via mcp", session_id: expect.any(String) });
		} finally {
			await client.close();
		}

		// One counter per publication and client IP, shared by both gateways through Redis.
		await publishHttp.put(`/api/v1/publish/${publication.id}`).set(auth).send({ rate_limit: { max_requests: 4, period: "hour" } }).expect(200);
		const seen: [number, string | undefined][] = [];
		for (let i = 0; i < 5; i++) {
			const res = await (i % 2 ? publishHttp : coreHttp).get(`/api/v1/public/${slug}`).set("X-Fluxgate-Public-Key", key);
			seen.push([res.status, res.headers["x-ratelimit-remaining"]]);
			if (res.status === 429) expect(res.body.error.details).toEqual({ limit: 4, window_seconds: 3600 });
		}
		expect(seen).toEqual([[200, "3"], [200, "2"], [200, "1"], [200, "0"], [429, "0"]]);
	}, 120_000);

	test("a rotated key and a deletion take effect at once on both gateways", async () => {
		const agent = (await publishHttp.post("/api/v1/agents").set(auth).send({ name: "cluster-second", model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await publishHttp.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		const p = (await publishHttp.post(`/api/v1/publish/agents/${agent.id}`).set(auth).send({ allowed_origins: ["*"] }).expect(201)).body;
		for (const http of [coreHttp, publishHttp]) expect((await http.get(`/api/v1/public/${p.slug}?key=${p.public_key}`)).status).toBe(200);
		const rotated = (await coreHttp.post(`/api/v1/publish/${p.id}/rotate-key`).set(auth).expect(200)).body;
		for (const http of [coreHttp, publishHttp]) {
			expect((await http.get(`/api/v1/public/${p.slug}?key=${p.public_key}`)).body.error.code).toBe("INVALID_PUBLIC_KEY");
			expect((await http.get(`/api/v1/public/${p.slug}?key=${rotated.public_key}`)).status).toBe(200);
		}
		await publishHttp.delete(`/api/v1/publish/${p.id}`).set(auth).expect(204);
		for (const http of [coreHttp, publishHttp]) expect((await http.get(`/api/v1/public/${p.slug}?key=${rotated.public_key}`)).status).toBe(404);
	}, 60_000);
});
