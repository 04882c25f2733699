import { bearer, startApp, storeOf, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, expectFieldProblems, keyWithRoles, uid } from "../helpers/platform";
import { openSse, requestSse } from "../helpers/sse";

let app: TestApp;
let owner: Record<string, string>;
let viewer: Record<string, string>;
let operator: Record<string, string>;
let other: Record<string, string>;
let otherKey: string;
let agent: any;
const events: { name: string; params: any }[] = [];

async function req(method: "get" | "post" | "put" | "delete", path: string, auth: Record<string, string>, body?: unknown) {
	let r = app.http[method](`/api/v1${path}`).set(auth);
	if (body !== undefined) r = r.send(body as object);
	return r;
}

async function makeAgent(auth: Record<string, string>, target: "draft" | "testing" | "active" = "testing", extra: Record<string, unknown> = {}) {
	const created = await app.http.post("/api/v1/agents").set(auth).send({ name: `chat-${uid(4)}`, model: "mock-echo", ...extra });
	if (created.status !== 201) throw new Error(`agent create answered ${created.status} ${created.text}`);
	const path = target === "draft" ? [] : target === "testing" ? ["testing"] : ["testing", "active"];
	for (const target_state of path) expect((await app.http.post(`/api/v1/lifecycle/${created.body.id}/promote`).set(auth).send({ target_state })).status).toBe(200);
	return created.body;
}

async function openSession(body: Record<string, unknown> = {}, auth = owner) {
	const res = await req("post", "/chat/sessions", auth, { agent_id: agent.id, ...body });
	if (res.status !== 201) throw new Error(`session create answered ${res.status} ${res.text}`);
	return res.body;
}

const messagesOf = async (sessionId: string, q = "order=asc") => (await req("get", `/chat/sessions/${sessionId}/messages?${q}`, owner)).body;
const runOf = async (runId: string) => (await req("get", `/runtime/runs/${runId}`, owner)).body;

beforeAll(async () => {
	app = await startApp();
	owner = bearer(app.ownerKey);
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
	operator = bearer((await keyWithRoles(app, app.ownerKey, ["operator"])).key);
	otherKey = (await createOrgWithOwner(app)).ownerKey;
	other = bearer(otherKey);
	app.broker.createService({
		name: "chat-events-probe",
		events: {
			"chat.*"(ctx: any) {
				events.push({ name: ctx.eventName, params: ctx.params });
			}
		}
	});
	agent = await makeAgent(owner, "active");
});

afterAll(() => app?.stop());

describe("Chat sessions (§19 rows 1–5)", () => {
	it("opens a session with the contract's defaults and announces it", async () => {
		const res = await req("post", "/chat/sessions", owner, { agent_id: agent.id });
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			agent_id: agent.id,
			end_user_id: null,
			customer_id: null,
			publication_id: null,
			title: null,
			status: "active",
			metadata: {},
			message_count: 0,
			last_message_at: null
		});
		expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
		expect((await req("get", `/chat/sessions/${res.body.id}`, owner)).body).toEqual(res.body);
		expect(events).toContainEqual({ name: "chat.session_created", params: { org_id: res.body.org_id, session_id: res.body.id, agent_id: agent.id } });
		expect((await auditEntries(app, app.ownerKey, { action: "chat_session.create", resource_id: res.body.id })).length).toBe(1);
	});

	it("rejects bad bodies, unknown agents and agents that cannot run, storing nothing", async () => {
		const before = (await req("get", "/chat/sessions", owner)).body.total;
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["agent_id"]],
			[{ agent_id: 5, end_user_id: "", title: "t".repeat(201), metadata: [] }, ["agent_id", "end_user_id", "title", "metadata"]],
			[{ agent_id: agent.id, end_user_id: "u".repeat(129), customer_id: 3 }, ["end_user_id", "customer_id"]]
		];
		for (const [body, fields] of cases) expectFieldProblems(await req("post", "/chat/sessions", owner, body), body, fields);
		const unknown = await req("post", "/chat/sessions", owner, { agent_id: "agt_nope" });
		expect(unknown.status).toBe(404);
		expect(unknown.body.error.details).toEqual([{ field: "agent_id", message: "Agent not found" }]);
		const theirs = await makeAgent(other);
		expect((await req("post", "/chat/sessions", owner, { agent_id: theirs.id })).status).toBe(404);
		expect((await req("post", "/chat/sessions", owner, { agent_id: agent.id, customer_id: "cus_unknown" })).status).toBe(404);
		const suspended = await makeAgent(owner, "active");
		await req("post", `/lifecycle/${suspended.id}/promote`, owner, { target_state: "suspended" });
		const refused = await req("post", "/chat/sessions", owner, { agent_id: suspended.id });
		expect(refused.status).toBe(409);
		expect(refused.body.error.code).toBe("AGENT_NOT_RUNNABLE");
		expect((await req("get", "/chat/sessions", owner)).body.total).toBe(before);
	});

	it("lists sessions with filters and the list envelope", async () => {
		const endUser = `eu-${uid(4)}`;
		const a = await openSession({ end_user_id: endUser, title: "first" });
		const b = await openSession({ end_user_id: endUser, metadata: { channel: "web" } });
		await req("put", `/chat/sessions/${a.id}`, owner, { status: "closed" });
		const all = await req("get", `/chat/sessions?end_user_id=${endUser}`, owner);
		expect(all.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
		expect(all.body.items.map((s: any) => s.id)).toEqual([b.id, a.id]);
		expect((await req("get", `/chat/sessions?end_user_id=${endUser}&status=closed`, owner)).body.items.map((s: any) => s.id)).toEqual([a.id]);
		expect((await req("get", `/chat/sessions?end_user_id=${endUser}&order=asc&limit=1`, owner)).body.items.map((s: any) => s.id)).toEqual([a.id]);
		expect((await req("get", `/chat/sessions?agent_id=${agent.id}&end_user_id=${endUser}`, owner)).body.total).toBe(2);
		expect((await req("get", `/chat/sessions?agent_id=agt_unknown`, owner)).body.total).toBe(0);
		expect((await req("get", `/chat/sessions?publication_id=pub_x`, owner)).body.total).toBe(0);
		for (const q of ["status=open", "limit=0", "offset=x", "order=sideways"]) expect((await req("get", `/chat/sessions?${q}`, owner)).status).toBe(400);
		expect((await req("get", `/chat/sessions?end_user_id=${endUser}`, other)).body.total).toBe(0);
		expect((await req("get", `/chat/sessions?end_user_id=${endUser}`, viewer)).body.total).toBe(2);
	});

	it("updates title and metadata, closes once and refuses to reopen", async () => {
		const s = await openSession({ title: "old", metadata: { a: 1 } });
		const renamed = await req("put", `/chat/sessions/${s.id}`, owner, { title: "new", metadata: { b: 2 } });
		expect(renamed.status).toBe(200);
		expect(renamed.body).toMatchObject({ title: "new", metadata: { b: 2 }, status: "active" });
		expect((await req("put", `/chat/sessions/${s.id}`, owner, {})).body).toEqual(renamed.body);
		expect((await req("put", `/chat/sessions/${s.id}`, owner, { title: null })).body.title).toBeNull();
		expectFieldProblems(await req("put", `/chat/sessions/${s.id}`, owner, { status: "archived", metadata: null, title: 5 }), "bad", ["status", "metadata", "title"]);
		expectFieldProblems(await req("put", `/chat/sessions/${s.id}`, owner, { agent_id: "agt_other", end_user_id: "someone" }), "imm", ["agent_id", "end_user_id"]);
		expect((await req("put", `/chat/sessions/${s.id}`, owner, { agent_id: agent.id, end_user_id: null })).status).toBe(200);
		const closed = await req("put", `/chat/sessions/${s.id}`, owner, { status: "closed" });
		expect(closed.body.status).toBe("closed");
		expect(events.filter(e => e.name === "chat.session_closed" && e.params.session_id === s.id)).toEqual([
			{ name: "chat.session_closed", params: { org_id: s.org_id, session_id: s.id, agent_id: agent.id } }
		]);
		const reopen = await req("put", `/chat/sessions/${s.id}`, owner, { status: "active" });
		expect(reopen.status).toBe(409);
		expect(reopen.body.error).toMatchObject({ code: "INVALID_STATE_TRANSITION", details: { current: "closed", requested: "active" } });
		expect((await req("put", `/chat/sessions/${s.id}`, owner, { status: "closed", title: "still editable" })).body).toMatchObject({ status: "closed", title: "still editable" });
	});

	it("enforces permissions and tenant isolation on every session route", async () => {
		const s = await openSession();
		expect((await req("post", "/chat/sessions", viewer, { agent_id: agent.id })).body.error.details).toEqual({ required: ["runtime:execute"] });
		expect((await req("put", `/chat/sessions/${s.id}`, operator, { title: "x" })).body.error.details).toEqual({ required: ["chat:write"] });
		expect((await req("delete", `/chat/sessions/${s.id}`, viewer)).status).toBe(403);
		expect((await req("post", `/chat/sessions/${s.id}/messages`, viewer, { content: "hi" })).status).toBe(403);
		expect((await req("post", `/chat/sessions/${s.id}/stream`, viewer, { content: "hi" })).status).toBe(403);
		expect((await req("get", `/chat/sessions/${s.id}/messages`, viewer)).status).toBe(200);
		for (const [method, path, body] of [
			["get", `/chat/sessions/${s.id}`, undefined],
			["put", `/chat/sessions/${s.id}`, { title: "theirs" }],
			["delete", `/chat/sessions/${s.id}`, undefined],
			["post", `/chat/sessions/${s.id}/messages`, { content: "hi" }],
			["get", `/chat/sessions/${s.id}/messages`, undefined],
			["post", `/chat/sessions/${s.id}/stream`, { content: "hi" }]
		] as const) {
			const res = await req(method, path, other, body);
			expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({ method, path, status: 404, code: "NOT_FOUND" });
		}
		expect((await req("get", `/chat/sessions/${s.id}`, owner)).body).toMatchObject({ title: null, message_count: 0 });
	});
});

describe("Chat messages (§19 rows 6–7)", () => {
	it("answers the completed reply as a run of the agent with trigger chat, and stores both messages", async () => {
		const s = await openSession({ end_user_id: "end-user-1" });
		const content = "Hello agent, this is my first message and it is longer than sixty characters in total.";
		const res = await req("post", `/chat/sessions/${s.id}/messages`, owner, { content });
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ session_id: s.id, role: "assistant", content, status: "completed", error: null, cost_usd: 0 });
		expect(res.body.tokens_output).toBe(Math.ceil(content.length / 4));
		const run = await runOf(res.body.run_id);
		expect(run).toMatchObject({ trigger: "chat", trigger_ref: s.id, session_id: s.id, end_user_id: "end-user-1", input: content, output: content, status: "completed", mode: "production" });
		const list = await messagesOf(s.id);
		expect(list.total).toBe(2);
		const [user, assistant] = list.items;
		expect(user).toMatchObject({ role: "user", content, status: "completed", in_reply_to: null, run_id: null, error: null, tokens_input: 0 });
		expect(assistant).toEqual(res.body);
		expect(assistant.in_reply_to).toBe(user.id);
		const session = (await req("get", `/chat/sessions/${s.id}`, owner)).body;
		expect(session).toMatchObject({ title: content.slice(0, 60), message_count: 2, last_message_at: user.created_at });
		const audit = await auditEntries(app, app.ownerKey, { action: "chat_message.create" });
		expect(audit.find((e: any) => e.resource_id === user.id)).toMatchObject({ resource_type: "chat_message", outcome: "success", status_code: 201 });
	});

	it("gives the model the session's earlier messages as context", async () => {
		const s = await openSession({ title: "kept title" });
		await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "my name is Ada" });
		await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "FAIL" });
		const third = await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "what is my name?" });
		expect(third.body.status).toBe("completed");
		const steps = (await req("get", `/runtime/runs/${third.body.run_id}/steps?type=llm_call`, owner)).body.items;
		const sent = steps[0].input.messages.map((m: any) => [m.role, m.content]);
		// The failed reply has no content: it is left out; its user message stays.
		expect(sent).toEqual([
			["user", "my name is Ada"],
			["assistant", "my name is Ada"],
			["user", "FAIL"],
			["user", "what is my name?"]
		]);
		expect((await req("get", `/chat/sessions/${s.id}`, owner)).body).toMatchObject({ title: "kept title", message_count: 6 });
	});

	it("ends the reply failed with the run's error, content empty", async () => {
		const s = await openSession();
		const res = await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "FAIL" });
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ role: "assistant", status: "failed", content: "", error: { code: "PROVIDER_ERROR" } });
		expect((await runOf(res.body.run_id)).status).toBe("failed");
		expect((await messagesOf(s.id, "status=failed")).items.map((m: any) => m.id)).toEqual([res.body.id]);
		expect((await messagesOf(s.id, "role=user")).total).toBe(1);
		expect((await messagesOf(s.id, "role=assistant&status=completed")).total).toBe(0);
		for (const q of ["role=system", "status=done", "limit=500"]) expect((await req("get", `/chat/sessions/${s.id}/messages?${q}`, owner)).status).toBe(400);
	});

	it("lists messages newest first by default", async () => {
		const s = await openSession();
		await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "one" });
		await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "two" });
		const desc = (await req("get", `/chat/sessions/${s.id}/messages`, owner)).body;
		expect(desc.items.map((m: any) => [m.role, m.content])).toEqual([["assistant", "two"], ["user", "two"], ["assistant", "one"], ["user", "one"]]);
		const page = (await req("get", `/chat/sessions/${s.id}/messages?limit=1&offset=1`, owner)).body;
		expect(page).toMatchObject({ total: 4, limit: 1, offset: 1 });
		expect(page.items[0]).toMatchObject({ role: "user", content: "two" });
	});

	it("refuses closed sessions, draft agents and exhausted budgets, storing no message", async () => {
		const s = await openSession();
		await req("put", `/chat/sessions/${s.id}`, owner, { status: "closed" });
		const closed = await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "hello?" });
		expect(closed.status).toBe(409);
		expect(closed.body.error.code).toBe("SESSION_CLOSED");
		expect((await messagesOf(s.id)).total).toBe(0);

		const draft = await makeAgent(owner, "draft");
		const ds = (await req("post", "/chat/sessions", owner, { agent_id: draft.id })).body;
		const notRunnable = await req("post", `/chat/sessions/${ds.id}/messages`, owner, { content: "hello?" });
		expect(notRunnable.status).toBe(409);
		expect(notRunnable.body.error.code).toBe("AGENT_NOT_RUNNABLE");
		expect((await messagesOf(ds.id)).total).toBe(0);
		expect((await req("get", `/chat/sessions/${ds.id}`, owner)).body).toMatchObject({ message_count: 0, title: null });

		expectFieldProblems(await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "", stream: "yes" }), "bad", ["content", "stream"]);
		expectFieldProblems(await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "x".repeat(32001) }), "long", ["content"]);
		expectFieldProblems(await req("post", `/chat/sessions/${s.id}/stream`, owner, {}), "empty", ["content"]);
	});

	it("answers 409 BUDGET_EXCEEDED and keeps only the blocked run when a block budget is spent", async () => {
		const org = await createOrgWithOwner(app);
		const auth = bearer(org.ownerKey);
		await app.http.put("/api/v1/providers/models/mock-echo").set(auth).send({ input_price_per_1k_usd: 100, output_price_per_1k_usd: 100 }).expect(200);
		const budget = (await app.http.post("/api/v1/budgets").set(auth).send({ name: "Tiny", scope: "org", period: "monthly", limit_usd: 5, action_on_exceed: "block" })).body;
		const theirAgent = await makeAgent(auth, "testing", { max_tokens: 16 });
		const s = (await app.http.post("/api/v1/chat/sessions").set(auth).send({ agent_id: theirAgent.id })).body;
		const first = await app.http.post(`/api/v1/chat/sessions/${s.id}/messages`).set(auth).send({ content: "costs about two dollars" });
		expect(first.body).toMatchObject({ status: "completed", content: "costs about two dollars" });
		expect(first.body.cost_usd).toBeGreaterThan(0);
		// Spend outside runs (a prompt test) exhausts the org budget.
		const prompt = (await app.http.post("/api/v1/prompts").set(auth).send({ name: "spender", template: "x" })).body;
		await app.http.post(`/api/v1/prompts/${prompt.id}/test`).set(auth).send({ model: "mock-echo", input: "y".repeat(200) }).expect(200);
		const refused = await app.http.post(`/api/v1/chat/sessions/${s.id}/messages`).set(auth).send({ content: "one more" });
		expect(refused.status).toBe(409);
		expect(refused.body.error).toMatchObject({ code: "BUDGET_EXCEEDED", details: { budget_id: budget.id } });
		const blocked = (await app.http.get(`/api/v1/runtime/runs/${refused.body.error.details.run_id}`).set(auth)).body;
		expect(blocked).toMatchObject({ status: "blocked", trigger: "chat", session_id: s.id, error: { code: "BUDGET_EXCEEDED" } });
		expect((await app.http.get(`/api/v1/chat/sessions/${s.id}/messages`).set(auth)).body.total).toBe(2);
		expect((await app.http.get(`/api/v1/chat/sessions/${s.id}`).set(auth)).body.message_count).toBe(2);
	});

	it("handles a session's messages one after another, in send order, while other sessions proceed", async () => {
		const s = await openSession();
		const parallel = await openSession();
		const sends = ["SLEEP 400\nfirst", "SLEEP 50\nsecond", "third"].map(content => req("post", `/chat/sessions/${s.id}/messages`, owner, { content }));
		const otherSend = req("post", `/chat/sessions/${parallel.id}/messages`, owner, { content: "SLEEP 400\nelsewhere" });
		const replies = await Promise.all(sends);
		expect(replies.map(r => [r.status, r.body.content])).toEqual([[201, "first"], [201, "second"], [201, "third"]]);
		const runs = await Promise.all(replies.map(r => runOf(r.body.run_id)));
		for (let i = 1; i < runs.length; i++) expect(Date.parse(runs[i].started_at)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1].completed_at));
		const elsewhere = await runOf((await otherSend).body.run_id);
		// The other session's 400 ms reply overlapped the first one instead of waiting behind it.
		expect(Date.parse(elsewhere.started_at)).toBeLessThan(Date.parse(runs[0].completed_at));
		expect((await messagesOf(s.id)).items.map((m: any) => m.content)).toEqual(["SLEEP 400\nfirst", "first", "SLEEP 50\nsecond", "second", "third", "third"]);
	});

	it("settles a reply whose run ended while the chat service did not hear of it", async () => {
		const s = await openSession();
		const reply = (await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "heard?" })).body;
		const messages = await storeOf(app.broker).repository("messages");
		await messages.forOrg(s.org_id).update(reply.id, { status: "pending", content: "" });
		const listed = (await messagesOf(s.id, "role=assistant")).items[0];
		expect(listed).toMatchObject({ id: reply.id, status: "completed", content: "heard?" });
	});

	it("deletes a session with its messages; its runs are kept", async () => {
		const s = await openSession();
		const reply = (await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "remember me" })).body;
		const res = await req("delete", `/chat/sessions/${s.id}`, owner);
		expect(res.status).toBe(204);
		expect(res.text).toBe("");
		expect((await req("get", `/chat/sessions/${s.id}`, owner)).status).toBe(404);
		expect((await req("get", `/chat/sessions/${s.id}/messages`, owner)).status).toBe(404);
		expect((await req("delete", `/chat/sessions/${s.id}`, owner)).status).toBe(404);
		expect((await runOf(reply.run_id)).status).toBe("completed");
	});

	it("deleting the agent deletes its chat sessions", async () => {
		const doomed = await makeAgent(owner, "testing");
		const s = (await req("post", "/chat/sessions", owner, { agent_id: doomed.id })).body;
		await req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "bye" });
		expect((await req("delete", `/agents/${doomed.id}`, owner)).status).toBe(204);
		expect((await req("get", `/chat/sessions/${s.id}`, owner)).status).toBe(404);
	});
});

describe("Chat streaming (§19 rows 6 and 8, §0.13)", () => {
	const text = "streamed reply in several words";

	it("streams the reply as message.delta events, then message.completed", async () => {
		const s = await openSession();
		const res = await requestSse("POST", `${app.url}/api/v1/chat/sessions/${s.id}/stream`, app.ownerKey, { content: `SLEEP 500\n${text}` });
		expect(res.status).toBe(200);
		expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
		expect(res.headers["cache-control"]).toBe("no-cache");
		expect(res.headers["x-request-id"]).toBeTruthy();
		expect(res.events.map(e => e.id)).toEqual(res.events.map((_, i) => i + 1));
		const deltas = res.events.filter(e => e.event === "message.delta");
		const done = res.events[res.events.length - 1];
		expect(done.event).toBe("message.completed");
		expect(done.data).toMatchObject({ role: "assistant", status: "completed", content: text, session_id: s.id });
		expect(deltas.length).toBe(text.split(" ").length);
		expect(deltas.map(d => d.data.delta).join("")).toBe(text);
		for (const d of deltas) expect(d.data.message_id).toBe(done.data.id);
		// Deltas arrive while the model is still answering, not all at the end.
		expect(deltas[deltas.length - 1].at - deltas[0].at).toBeGreaterThan(200);
		expect((await messagesOf(s.id)).items[1]).toEqual(done.data);
		const audit = await auditEntries(app, app.ownerKey, { action: "chat_message.create" });
		expect(audit.find((e: any) => e.resource_id === (done.data as any).in_reply_to)).toMatchObject({ outcome: "success", status_code: 200 });
	});

	it("streams from the messages endpoint with stream: true", async () => {
		const s = await openSession();
		const res = await requestSse("POST", `${app.url}/api/v1/chat/sessions/${s.id}/messages`, app.ownerKey, { content: text, stream: true });
		expect(res.status).toBe(200);
		expect(res.events.filter(e => e.event === "message.delta").map(e => e.data.delta).join("")).toBe(text);
		expect(res.events[res.events.length - 1]).toMatchObject({ event: "message.completed", data: { content: text } });
	});

	it("sends an error event when the run fails, and JSON errors before the stream starts", async () => {
		const s = await openSession();
		const res = await requestSse("POST", `${app.url}/api/v1/chat/sessions/${s.id}/stream`, app.ownerKey, { content: "FAIL" });
		expect(res.status).toBe(200);
		const last = res.events[res.events.length - 1];
		expect(last.event).toBe("error");
		expect(last.data).toMatchObject({ code: "PROVIDER_ERROR", message_id: (await messagesOf(s.id)).items[1].id });
		expect(typeof last.data.message).toBe("string");
		await req("put", `/chat/sessions/${s.id}`, owner, { status: "closed" });
		const closed = await requestSse("POST", `${app.url}/api/v1/chat/sessions/${s.id}/stream`, app.ownerKey, { content: "hello" });
		expect(closed.status).toBe(409);
		expect(closed.headers["content-type"]).toMatch(/^application\/json/);
		expect(JSON.parse(closed.text).error.code).toBe("SESSION_CLOSED");
		const foreign = await requestSse("POST", `${app.url}/api/v1/chat/sessions/${s.id}/stream`, otherKey, { content: "hello" });
		expect(foreign.status).toBe(404);
	});

	it("keeps the run going when the client disconnects", async () => {
		const s = await openSession();
		const http = await import("node:http");
		await new Promise<void>((resolve, reject) => {
			const r = http.request(`${app.url}/api/v1/chat/sessions/${s.id}/stream`, { method: "POST", headers: { ...owner, "Content-Type": "application/json" } }, res => {
				res.once("data", () => {
					req.destroy();
					resolve();
				});
			});
			const req = r;
			r.on("error", () => resolve());
			r.end(JSON.stringify({ content: "SLEEP 600\nstill answered after the client left" }));
			setTimeout(() => reject(new Error("no data")), 10_000).unref();
		});
		const deadline = Date.now() + 10_000;
		let assistant: any;
		while (Date.now() < deadline) {
			assistant = (await messagesOf(s.id)).items[1];
			if (assistant?.status !== "pending") break;
			await new Promise(r => setTimeout(r, 100));
		}
		expect(assistant).toMatchObject({ status: "completed", content: "still answered after the client left" });
	});

	it("keeps the stream open while the run waits for an approval, and holds the session's next message until it ends", async () => {
		const tool = await req("post", "/tools", owner, { name: `wipe_${uid(3)}`, description: "Wipe", type: "function", config: { function: "echo" }, safety_level: "dangerous" });
		expect(tool.status).toBe(201);
		const gated = await makeAgent(owner, "active", { model: "mock-tools", tools: [tool.body.id] });
		const s = (await req("post", "/chat/sessions", owner, { agent_id: gated.id })).body;
		const first = openSse("POST", `${app.url}/api/v1/chat/sessions/${s.id}/stream`, app.ownerKey, { content: `CALL ${tool.body.name} {"all":true}` });
		expect(await first.started).toBe(200);
		let streamEnded = false;
		void first.done.then(() => (streamEnded = true));
		const firstRunId = (await messagesOf(s.id)).items[1].run_id;
		const acceptedAt = Date.now();
		let approval: any;
		for (let i = 0; i < 100 && !approval; i++) {
			approval = (await req("get", `/governance/approvals?run_id=${firstRunId}`, owner)).body.items[0];
			if (!approval) await new Promise(r => setTimeout(r, 50));
		}
		expect((await runOf(firstRunId)).status).toBe("awaiting_approval");
		expect(Date.now() - acceptedAt).toBeLessThan(5_000);
		const second = req("post", `/chat/sessions/${s.id}/messages`, owner, { content: "and after that?" });
		await new Promise(r => setTimeout(r, 800));
		const waiting = (await messagesOf(s.id)).items[3];
		expect(waiting).toMatchObject({ role: "assistant", status: "pending" });
		expect((await runOf(waiting.run_id)).status).toBe("queued");
		expect(streamEnded).toBe(false);
		expect((await req("post", `/governance/approvals/${approval.id}/approve`, owner, {})).status).toBe(200);
		const streamed = await first.done;
		const last = streamed.events[streamed.events.length - 1];
		expect(last).toMatchObject({ event: "message.completed", data: { status: "completed" } });
		expect(last.data.content).toContain(`TOOL_RESULT ${tool.body.name}`);
		const reply = await second;
		expect(reply.body).toMatchObject({ status: "completed", content: "and after that?" });
		const [run1, run2] = [await runOf(firstRunId), await runOf(reply.body.run_id)];
		expect(Date.parse(run2.started_at)).toBeGreaterThanOrEqual(Date.parse(run1.completed_at));
	}, 30_000);
});
