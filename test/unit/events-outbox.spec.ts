import { openStore, type Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import type { DeliveryDoc } from "../../services/events/model";
import { Outbox, retryDelayMs, type SendResult } from "../../services/events/outbox";

const until = async (probe: () => Promise<boolean>, ms: number) => {
	const deadline = Date.now() + ms;
	while (!(await probe())) {
		if (Date.now() > deadline) throw new Error("timed out");
		await new Promise(r => setTimeout(r, 20));
	}
};

function delivery(i: number): Partial<DeliveryDoc> & { id: string } {
	const now = nowIso();
	return {
		id: `dlv_${i}`, subscription_id: "sub_1", event_id: `evt_${i}`, event_type: "x.y", target_type: "webhook", event_depth: 0, status: "pending", attempts: 0,
		last_status_code: null, last_error: null, next_attempt_at: now, claimed_by: null, claim_expires_at: null, attempt_log: [], created_at: now, updated_at: now
	};
}

describe("outbox dispatcher", () => {
	test("the retry schedule is 1, 3, 12, 60, 180 times the base, 6 attempts in all", () => {
		expect([1, 2, 3, 4, 5, 6].map(n => retryDelayMs(n, 10_000))).toEqual([10_000, 30_000, 120_000, 600_000, 1_800_000, null]);
	});

	test("two dispatchers on one outbox never make the same attempt", async () => {
		const store = openStore("memory", { dataDir: "", mongoUri: null });
		const repo = (await store.repository("deliveries")) as Repository<DeliveryDoc>;
		const n = 300;
		for (let i = 0; i < n; i++) await repo.forOrg("org_1").insert(delivery(i));
		const sent = new Map<string, string[]>();
		const make = (nodeId: string) =>
			new Outbox({
				deliveries: repo,
				nodeId,
				retryBaseMs: 10,
				send: async (d): Promise<SendResult> => {
					sent.set(d.id, [...(sent.get(d.id) ?? []), nodeId]);
					await new Promise(r => setTimeout(r, Math.random() * 3));
					return { ok: true, statusCode: 200, error: null, retryable: false };
				},
				settled: async () => undefined,
				onError: err => {
					throw err;
				}
			});
		const a = make("node-a");
		const b = make("node-b");
		a.start();
		b.start();
		try {
			await until(async () => (await repo.platformWide().count({ status: "succeeded" })) === n, 20_000);
		} finally {
			await Promise.all([a.stop(), b.stop()]);
		}
		expect(sent.size).toBe(n);
		expect([...sent.values()].filter(nodes => nodes.length !== 1)).toEqual([]);
		const byNode = [...sent.values()].flat();
		expect(new Set(byNode).size).toBe(2);
		const docs = await repo.platformWide().find({});
		expect(docs.every(d => d.attempts === 1 && d.attempt_log.length === 1 && d.claimed_by === null)).toBe(true);
		await store.close();
	});

	test("a failed attempt is scheduled again after the backoff; a non-retryable failure is final at once", async () => {
		const store = openStore("memory", { dataDir: "", mongoUri: null });
		const repo = (await store.repository("deliveries")) as Repository<DeliveryDoc>;
		await repo.forOrg("org_1").insert(delivery(1));
		await repo.forOrg("org_1").insert({ ...delivery(2), target_type: "agent" });
		const settled: string[] = [];
		const outbox = new Outbox({
			deliveries: repo,
			nodeId: "n",
			retryBaseMs: 30,
			send: async (d, reclaimed): Promise<SendResult> => {
				if (d.id === "dlv_2") return { ok: false, statusCode: null, error: { code: "AGENT_NOT_RUNNABLE", message: "no" }, retryable: false };
				expect(reclaimed).toBe(d.attempts > 0);
				return d.attempts < 2 ? { ok: false, statusCode: 500, error: { code: "HTTP_ERROR", message: "500" }, retryable: true } : { ok: true, statusCode: 200, error: null, retryable: false };
			},
			settled: async d => void settled.push(`${d.id}:${d.status}`),
			onError: err => {
				throw err;
			}
		});
		outbox.start();
		try {
			await until(async () => settled.length === 2, 5000);
		} finally {
			await outbox.stop();
		}
		expect(settled.sort()).toEqual(["dlv_1:succeeded", "dlv_2:failed"]);
		const first = (await repo.forOrg("org_1").get("dlv_1")) as DeliveryDoc;
		expect(first.attempt_log.map(a => a.status_code)).toEqual([500, 500, 200]);
		const gaps = first.attempt_log.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(first.attempt_log[i].at));
		expect(gaps[0]).toBeGreaterThanOrEqual(30);
		expect(gaps[1]).toBeGreaterThanOrEqual(90);
		expect(((await repo.forOrg("org_1").get("dlv_2")) as DeliveryDoc).attempts).toBe(1);
		await store.close();
	});
});
