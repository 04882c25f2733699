import request from "supertest";
import { startMcpServer, type McpFixture } from "../fixtures/mcp-server";
import { REDIS_URL, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_McpClusterOwnerKey_0123456789abcdefghij".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };

/**
 * The MCP module on its own node process, everything else (gateway, tools, agents, runtime, actors)
 * on another, over the real Redis transporter: discovery registers tools across nodes and a run's
 * tool call travels gateway node → MCP node → MCP server and back.
 */
describe("MCP on its own node over Redis", () => {
	const namespace = uniqueNamespace("mcp");
	let main: NodeProcess;
	let mcpNode: NodeProcess;
	let fixture: McpFixture;
	let http: ReturnType<typeof request>;
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace, FLUXGATE_ALLOW_PRIVATE_NETWORK: "true" };

	beforeAll(async () => {
		fixture = await startMcpServer();
		[main, mcpNode] = await Promise.all([
			startNode({
				...common,
				NODE_ID: "main",
				FLUXGATE_BOOTSTRAP_KEY: KEY,
				SERVICES: "api,admin,rbac,auth,audit,agents,lifecycle,providers,secrets,tools,runtime,actors"
			}),
			startNode({ ...common, NODE_ID: "mcp-node", SERVICES: "mcp" })
		]);
		http = request(`http://127.0.0.1:${main.port}`);
		await until(async () => (await http.get("/api/v1/mcp/servers").set(auth)).status === 200, 30_000, "the MCP routes through the gateway");
	}, 90_000);

	afterAll(async () => {
		await Promise.all([stopNode(mcpNode), stopNode(main)]);
		await fixture?.close();
	});

	test("discovery and a per-user run tool call cross the nodes", async () => {
		const server = (await http.post("/api/v1/mcp/servers").set(auth).send({ name: "remote-mcp", url: fixture.streamableUrl, auth_type: "per_user_bearer", auth_token: "discovery" }).expect(201)).body;
		expect(server).toMatchObject({ status: "connected", tool_count: 4, has_auth_token: true });
		await http.post(`/api/v1/mcp/servers/${server.id}/user-credentials`).set(auth).send({ end_user_id: "erin", token: "erin-token" }).expect(201);
		const tools = (await http.get(`/api/v1/mcp/servers/${server.id}/tools`).set(auth).expect(200)).body.items;
		const whoami = tools.find((t: any) => t.name === "remote-mcp.whoami");
		expect(whoami).toMatchObject({ type: "mcp", available: true });

		const agent = (await http.post("/api/v1/agents").set(auth).send({ name: "remote-agent", model: "mock-tools", tools: [whoami.id] }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		const run = await until(async () => {
			const res = await http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: "CALL remote-mcp.whoami {}", end_user_id: "erin", wait: true });
			return res.status === 200 ? res.body : null;
		}, 30_000, "a run of the agent");
		expect(run.status).toBe("completed");
		const steps = (await http.get(`/api/v1/runtime/runs/${run.id}/steps`).set(auth)).body.items;
		expect(steps.find((s: any) => s.type === "tool_call")).toMatchObject({ status: "completed", output: { structuredContent: { authorization: "Bearer ****" } } });
		expect(fixture.requests.map(r => r.headers.authorization)).toContain("Bearer erin-token");

		const uses = (await http.get("/api/v1/audit/logs").query({ action: "mcp_credential.use" }).set(auth)).body.items;
		expect(uses[0]).toMatchObject({ actor_type: "system", outcome: "success", details: { end_user_id: "erin", run_id: run.id } });
	}, 90_000);
});
