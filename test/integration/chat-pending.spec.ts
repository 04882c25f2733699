import { bearer, startApp, type TestApp } from "../helpers/app";

// The contract's 120 s wait, shortened for this file only: the behaviour at its end is what is tested.
jest.mock("../../services/chat/model", () => ({ ...jest.requireActual("../../services/chat/model"), REPLY_WAIT_MS: 400 }));

describe("Chat (§19 row 6): a reply that takes longer than the wait", () => {
	let app: TestApp;
	let owner: Record<string, string>;

	beforeAll(async () => {
		app = await startApp();
		owner = bearer(app.ownerKey);
	});
	afterAll(() => app?.stop());

	it("answers 201 with the reply still pending, which completes later", async () => {
		const agent = (await app.http.post("/api/v1/agents").set(owner).send({ name: "slow-chat", model: "mock-echo" })).body;
		await app.http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(owner).send({ target_state: "testing" }).expect(200);
		const session = (await app.http.post("/api/v1/chat/sessions").set(owner).send({ agent_id: agent.id })).body;
		const started = Date.now();
		const res = await app.http.post(`/api/v1/chat/sessions/${session.id}/messages`).set(owner).send({ content: "SLEEP 1500\nslow answer" });
		expect(res.status).toBe(201);
		expect(Date.now() - started).toBeLessThan(1400);
		expect(res.body).toMatchObject({ role: "assistant", status: "pending", content: "", error: null });
		expect(res.body.run_id).toBeTruthy();
		let reply: any = res.body;
		for (let i = 0; i < 100 && reply.status === "pending"; i++) {
			await new Promise(r => setTimeout(r, 100));
			reply = (await app.http.get(`/api/v1/chat/sessions/${session.id}/messages?role=assistant`).set(owner)).body.items[0];
		}
		expect(reply).toMatchObject({ id: res.body.id, status: "completed", content: "slow answer" });
	});
});
