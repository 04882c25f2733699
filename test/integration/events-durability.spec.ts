import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { signatureValid, startWebhookReceiver, type WebhookReceiver } from "../fixtures/webhook-receiver";
import { bearer, OWNER_KEY } from "../helpers/app";
import { startNode, stopNode, until, type NodeProcess } from "../helpers/cluster";
import { sleep } from "../helpers/platform";

/** A port nobody listens on (yet): the receiver is down when the first attempt is made. */
async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
	const port = (server.address() as net.AddressInfo).port;
	await new Promise(resolve => server.close(resolve));
	return port;
}

describe("Events durability: a node killed between accepting an event and delivering it", () => {
	let dataDir: string;
	let node: NodeProcess | undefined;
	let receiver: WebhookReceiver | undefined;
	const auth = bearer(OWNER_KEY);

	const env = () => ({
		FLUXGATE_STORE: "nedb",
		FLUXGATE_DATA_DIR: dataDir,
		FLUXGATE_BOOTSTRAP_KEY: OWNER_KEY,
		FLUXGATE_ALLOW_PRIVATE_NETWORK: "true",
		// The first retry waits 3 s: time enough to kill the node while the delivery is pending.
		FLUXGATE_WEBHOOK_RETRY_BASE_MS: "3000",
		SERVICES: "admin,rbac,auth,audit,events,api",
		PORT: "0"
	});
	const http = () => request(`http://127.0.0.1:${node!.port}`);

	beforeAll(() => {
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-events-"));
	});

	afterAll(async () => {
		await stopNode(node, "SIGKILL");
		await receiver?.close();
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	test("after SIGKILL and a restart on the same data directory the webhook is delivered exactly once", async () => {
		const port = await freePort();
		node = await startNode(env(), 60_000);
		const secret = "durable-secret-0123456789";
		const sub = await http().post("/api/v1/events/subscriptions").set(auth).send({ event_type: "order.*", target_type: "webhook", url: `http://127.0.0.1:${port}/hook`, secret });
		expect(sub.status).toBe(201);
		const event = await http().post("/api/v1/events/emit").set(auth).send({ event_type: "order.placed", payload: { order_id: "o-42" } });
		expect(event.status).toBe(201);
		const deliveriesUrl = `/api/v1/events/subscriptions/${sub.body.id}/deliveries`;
		const firstAttempt = await until(async () => (await http().get(deliveriesUrl).set(auth)).body.items.find((d: any) => d.attempts === 1), 20_000, "the first (failed) attempt");
		expect(firstAttempt).toMatchObject({ status: "pending", last_error: { code: "NETWORK_ERROR" } });

		await stopNode(node, "SIGKILL");
		receiver = await startWebhookReceiver(port);
		node = await startNode(env(), 60_000);

		const delivered = await until(async () => (await http().get(deliveriesUrl).set(auth)).body.items.find((d: any) => d.status === "succeeded"), 30_000, "the delivery after the restart");
		expect(delivered).toMatchObject({ id: firstAttempt.id, attempts: 2, last_status_code: 200, event_id: event.body.id });
		// Nothing is sent again later.
		await sleep(4000);
		expect(receiver.received).toHaveLength(1);
		const hook = receiver.received[0];
		expect(hook.headers["x-fluxgate-delivery"]).toBe(firstAttempt.id);
		expect(signatureValid(secret, hook)).toBe(true);
		expect(JSON.parse(hook.body)).toMatchObject({ id: firstAttempt.id, event: { id: event.body.id, event_type: "order.placed", payload: { order_id: "o-42" } } });
		// The event log survived the crash too.
		expect((await http().get(`/api/v1/events/${event.body.id}`).set(auth)).status).toBe(200);
	}, 180_000);
});
