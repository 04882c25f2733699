import { get as httpGet } from "node:http";
import { ServiceBroker } from "moleculer";
import request from "supertest";
import { loadConfig } from "../../lib/config";
import { attachPlatform, createPlatform, type Platform } from "../../lib/platform";
import brokerOptions from "../../moleculer.config";
import { SERVICE_SCHEMAS } from "../../services";
import { startWebhookReceiver, type WebhookReceiver } from "../fixtures/webhook-receiver";
import { bearer, OWNER_KEY } from "../helpers/app";
import { observer, REDIS_URL, uniqueNamespace, until } from "../helpers/cluster";

/**
 * Two nodes running the events service over the real Redis transporter, sharing one database (as two
 * nodes share MongoDB in production; here one in-memory store stands in for it). Every broadcast reaches
 * both; every delivery must still be made once.
 */
describe("Events on two nodes sharing a database", () => {
	const namespace = uniqueNamespace("events");
	let platform: Platform;
	let a: ServiceBroker;
	let b: ServiceBroker;
	let gateway: ServiceBroker;
	let watcher: ServiceBroker;
	let receiver: WebhookReceiver;
	let http: ReturnType<typeof request>;
	const auth = bearer(OWNER_KEY);

	function node(nodeId: string, services: string[]): ServiceBroker {
		const broker = new ServiceBroker(brokerOptions({ ...platform.config, nodeId }));
		attachPlatform(broker, platform);
		for (const name of services) broker.createService(SERVICE_SCHEMAS[name]);
		return broker;
	}

	beforeAll(async () => {
		const config = loadConfig(
			{ FLUXGATE_STORE: "memory", LOG_LEVEL: "warn", FLUXGATE_BOOTSTRAP_KEY: OWNER_KEY, FLUXGATE_ALLOW_PRIVATE_NETWORK: "true", TRANSPORTER: REDIS_URL, NAMESPACE: namespace },
			{ port: 0 }
		);
		platform = createPlatform(config);
		a = node(`events-a-${process.pid}`, ["admin", "rbac", "auth", "audit", "events", "api"]);
		b = node(`events-b-${process.pid}`, ["events"]);
		// A gateway node without the events service: its streams come from another node over the transporter.
		gateway = node(`events-gw-${process.pid}`, ["api"]);
		await a.start();
		await b.start();
		await gateway.start();
		watcher = await observer(namespace);
		await until(async () => a.registry.getServiceList({ onlyAvailable: true }).filter((s: any) => s.name === "events").length === 2, 20_000, "both events nodes");
		await until(async () => watcher.registry.getServiceList({ onlyAvailable: true }).filter((s: any) => s.name === "events").length === 2, 20_000, "the watcher to see both");
		http = request(`http://127.0.0.1:${(a.getLocalService("api") as any).server.address().port}`);
		receiver = await startWebhookReceiver();
	}, 60_000);

	afterAll(async () => {
		await receiver?.close();
		await watcher?.stop();
		await gateway?.stop();
		await b?.stop();
		await a?.stop();
		await platform?.store.close();
	});

	test("a platform event broadcast once is stored once, though both nodes receive it", async () => {
		const org = (await http.post("/api/v1/events/emit").set(auth).send({ event_type: "multi.probe" })).body.org_id;
		expect(org).toEqual(expect.any(String));
		await watcher.broadcast("secret.rotated", { org_id: org, secret_id: "sec_multinode", name: "MULTI" });
		await until(async () => (await http.get("/api/v1/events").query({ event_type: "secret.rotated" }).set(auth)).body.total >= 1, 10_000, "the stored event");
		await new Promise(r => setTimeout(r, 1000));
		const list = await http.get("/api/v1/events").query({ event_type: "secret.rotated" }).set(auth);
		expect(list.body.items.filter((e: any) => e.payload.secret_id === "sec_multinode")).toHaveLength(1);
		expect(list.body.items[0].payload).toEqual({ secret_id: "sec_multinode", name: "MULTI" });
	});

	test("the live stream works through a gateway node that does not run the events service", async () => {
		const port = (gateway.getLocalService("api") as any).server.address().port;
		await until(async () => gateway.registry.getServiceList({ onlyAvailable: true }).some((s: any) => s.name === "auth"), 20_000, "the gateway to see the other nodes");
		const received: string[] = [];
		const req = httpGet(`http://127.0.0.1:${port}/api/v1/events/stream?event_type=remote.*`, { headers: auth }, res => {
			res.setEncoding("utf8");
			res.on("data", chunk => received.push(chunk));
		});
		req.on("error", () => undefined);
		try {
			await until(async () => received.join("").includes(": keep-alive"), 10_000, "the stream to open");
			const emitted = await request(`http://127.0.0.1:${port}`).post("/api/v1/events/emit").set(auth).send({ event_type: "remote.hello", payload: { via: "gateway" } });
			expect(emitted.status).toBe(201);
			await until(async () => received.join("").includes(emitted.body.id), 10_000, "the event on the stream");
			expect(received.join("")).toContain(`id: 1\nevent: event\ndata: ${JSON.stringify(emitted.body)}\n\n`);
		} finally {
			req.destroy();
		}
	});

	test("both dispatchers drain one outbox and every delivery is made exactly once", async () => {
		const sub = await http.post("/api/v1/events/subscriptions").set(auth).send({ event_type: "multi.*", target_type: "webhook", url: receiver.url });
		expect(sub.status).toBe(201);
		const outboxes = [a, b].map(n => (n.getLocalService("events") as any).outbox);
		await Promise.all(outboxes.map(o => o.stop()));
		const total = 300;
		for (let i = 0; i < total; i++) expect((await http.post("/api/v1/events/emit").set(auth).send({ event_type: "multi.tick", payload: { i } })).status).toBe(201);
		outboxes.forEach(o => o.start());
		const repo = (a.getLocalService("events") as any).repos.event_deliveries.platformWide();
		await until(async () => (await repo.count({ subscription_id: sub.body.id, status: "succeeded" })) === total, 60_000, "every delivery");
		await new Promise(r => setTimeout(r, 1500));
		const ids = receiver.received.map(h => h.headers["x-fluxgate-delivery"]);
		expect(ids).toHaveLength(total);
		expect(new Set(ids).size).toBe(total);
		const docs = await repo.find({ subscription_id: sub.body.id });
		expect(docs.every((d: any) => d.attempts === 1 && d.attempt_log.length === 1)).toBe(true);
		const byNode = new Set(docs.map((d: any) => d.attempt_log[0].node_id));
		expect(byNode).toEqual(new Set([a.nodeID, b.nodeID]));
	}, 120_000);
});
