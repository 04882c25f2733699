import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import { createBroker, stopBroker } from "../lib/broker";
import { loadConfig } from "../lib/config";
import type { Principal } from "../lib/principal";
import { startServer } from "./harness";

const KEY = "fgk_EventsBenchKey_0123456789abcdefghijklmn".slice(0, 44);
const SUBSCRIPTIONS = 10;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const CONCURRENCY = 64;

interface Stats {
	total: number;
	unique: number;
	duplicates: number;
}

const stats = async (url: string): Promise<Stats> => (await fetch(url)).json() as Promise<Stats>;

/** Bare POSTs of a delivery-sized body to the receiver, CONCURRENCY at a time: the floor under the outbox. */
async function baseline(url: string, total: number, body: string): Promise<number> {
	let next = 0;
	const start = Date.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < total) {
				next += 1;
				const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", "X-Fluxgate-Delivery": `baseline-${next}` }, body });
				await res.arrayBuffer();
			}
		})
	);
	return (total / (Date.now() - start)) * 1000;
}

export async function outboxRate(store: "memory" | "nedb", receiverUrl: string): Promise<{ rate: number; deliveries: number; stats: Stats; failed: number }> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-bench-events-"));
	const config = loadConfig(
		{ LOG_LEVEL: "error", FLUXGATE_STORE: store, FLUXGATE_DATA_DIR: dataDir, FLUXGATE_BOOTSTRAP_KEY: KEY, FLUXGATE_ALLOW_PRIVATE_NETWORK: "true" },
		{ port: 0, services: ["admin", "rbac", "auth", "audit", "events", "api"] }
	);
	const broker: ServiceBroker = createBroker(config);
	await broker.start();
	try {
		const principal: Principal = await broker.call("auth.authenticate", { token: KEY });
		const meta = { principal };
		for (let i = 0; i < SUBSCRIPTIONS; i++) {
			await broker.call("events.createSubscription", { event_type: "bench.*", target_type: "webhook", url: `${receiverUrl}/hook/${i}` }, { meta });
		}
		const events: any = broker.getLocalService("events");
		// Fill the outbox with the dispatcher paused, then time how fast it drains.
		await events.outbox.stop();
		for (let i = 0; i < EVENTS; i++) await broker.call("events.emit", { event_type: "bench.tick", payload: { n: i, note: "a typical small event payload" } }, { meta });
		const deliveries = EVENTS * SUBSCRIPTIONS;
		const repo = events.repos.deliveries.platformWide();
		const before = await stats(receiverUrl);
		const start = Date.now();
		events.outbox.start();
		while ((await repo.count({ status: "pending" })) > 0) await new Promise(r => setTimeout(r, 200));
		const elapsed = Date.now() - start;
		const after = await stats(receiverUrl);
		return {
			rate: (deliveries / elapsed) * 1000,
			deliveries,
			stats: { total: after.total - before.total, unique: after.unique - before.unique, duplicates: after.duplicates - before.duplicates },
			failed: await repo.count({ status: "failed" })
		};
	} finally {
		await stopBroker(broker);
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

export async function eventsBench(): Promise<void> {
	const receiver = await startServer("webhook-receiver.ts");
	const url = `http://127.0.0.1:${receiver.port}`;
	try {
		console.log(`events: webhook deliveries from the outbox to a loopback receiver (separate process), ${SUBSCRIPTIONS} subscriptions x ${EVENTS} events`);
		const body = JSON.stringify({ id: "dlv_x".padEnd(22, "x"), event: { id: "evt_x", org_id: "org_x", event_type: "bench.tick", source: "custom", payload: { n: 1, note: "a typical small event payload" }, agent_id: null, run_id: null, depth: 0, matched_subscriptions: 10, created_at: new Date().toISOString(), updated_at: new Date().toISOString() } });
		await baseline(`${url}/warmup`, 1000, body);
		const floor = await baseline(`${url}/baseline`, 10_000, body);
		console.log(`  bare HTTP POSTs (baseline)        ${floor.toFixed(0)} req/s  (${CONCURRENCY} in flight)`);
		for (const store of (process.env.BENCH_STORES ?? "memory,nedb").split(",") as ("memory" | "nedb")[]) {
			const r = await outboxRate(store, url);
			const lost = r.deliveries - r.stats.unique;
			console.log(
				`  outbox → webhook, ${store.padEnd(6)} store   ${r.rate.toFixed(0)} deliveries/s  (${((r.rate / floor) * 100).toFixed(0)}% of baseline; target >= 1,000/s)  lost ${lost}  duplicates ${r.stats.duplicates}  failed ${r.failed}`
			);
		}
	} finally {
		receiver.child.kill();
	}
}
