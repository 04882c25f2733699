import { openStore, type Store } from "../../lib/store";
import { Ledger, nothingHeldFor, RESERVATION_TTL_MS, type LedgerRepos } from "../../services/budgets/ledger";
import { BUDGET_COLLECTIONS, presentUsage, type BudgetDoc } from "../../services/budgets/model";
import { currentPeriod, type Period } from "../../services/budgets/periods";

const ORG = "org_unit";
const T0 = new Date("2025-03-12T10:00:00.000Z"); // a Wednesday
const later = (ms: number, from = T0) => new Date(from.getTime() + ms);
const HOUR = 3_600_000;

let store: Store;
let repos: LedgerRepos;
let ledger: Ledger;
let events: { event: string; payload: any }[];
let seq = 0;

async function budget(fields: Partial<BudgetDoc> & { limit_usd: number }, now = T0): Promise<BudgetDoc> {
	const period: Period = fields.period ?? "daily";
	const { start, end } = currentPeriod(period, now);
	seq += 1;
	return repos.budgets.forOrg(ORG).insert({
		id: `bdg_${seq}`,
		name: `budget ${seq}`,
		scope: "org",
		agent_id: null,
		team: null,
		period,
		alert_threshold: 0.8,
		action_on_exceed: "block",
		throttle_model: null,
		throttle_concurrency: 1,
		enabled: true,
		period_start: start,
		period_end: end,
		limit_micros: Math.round(fields.limit_usd * 1e6),
		used_micros: 0,
		reserved_micros: 0,
		committed_micros: 0,
		created_at: now.toISOString(),
		updated_at: now.toISOString(),
		...fields
	});
}

const usage = async (id: string, now = T0) => presentUsage((await repos.budgets.forOrg(ORG).get(id)) as BudgetDoc, now);
const call = (agent_id: string | null = "agt_1", team: string | null = null) => ({ agent_id, team, run_id: "run_1" });

beforeEach(async () => {
	store = openStore("memory", { dataDir: "", mongoUri: null });
	repos = {} as LedgerRepos;
	for (const [name, indexes] of Object.entries(BUDGET_COLLECTIONS)) (repos as any)[name] = await store.repository(name, indexes);
	events = [];
	ledger = new Ledger(repos, (event, payload) => events.push({ event, payload }));
});

afterEach(() => store.close());

describe("reservations", () => {
	it("a block budget never lets used + reserved pass its limit; release and settle give the reservation back", async () => {
		const b = await budget({ limit_usd: 0.01 });
		const first = await ledger.reserve(ORG, call(), 6000, T0);
		expect(first.ok).toBe(true);
		const second = await ledger.reserve(ORG, call(), 5000, T0);
		expect(second).toEqual({ ok: false, budget_id: b.id, budget_name: b.name, resets_at: "2025-03-13T00:00:00.000Z" });
		expect(await usage(b.id)).toMatchObject({ used_usd: 0, reserved_usd: 0.006, remaining_usd: 0.004 });
		expect(await ledger.release(ORG, (first as any).reservation_id)).toBe(true);
		expect(await ledger.release(ORG, (first as any).reservation_id)).toBe(false);
		expect(await usage(b.id)).toMatchObject({ used_usd: 0, reserved_usd: 0, remaining_usd: 0.01 });

		const third = await ledger.reserve(ORG, call(), 9000, T0);
		expect(await ledger.settle(ORG, (third as any).reservation_id, 2500, T0)).toBe(true);
		// A repeated settle (a request delivered twice) counts nothing more.
		expect(await ledger.settle(ORG, (third as any).reservation_id, 2500, T0)).toBe(false);
		expect(await usage(b.id)).toMatchObject({ used_usd: 0.0025, reserved_usd: 0, remaining_usd: 0.0075, percentage_used: 25 });
	});

	it("concurrent reservations are all-or-nothing across every applicable budget", async () => {
		const org = await budget({ limit_usd: 1 });
		const agent = await budget({ limit_usd: 0.05, scope: "agent", agent_id: "agt_1" });
		const other = await budget({ limit_usd: 0.001, scope: "agent", agent_id: "agt_2" });
		const results = await Promise.all(Array.from({ length: 30 }, () => ledger.reserve(ORG, call(), 4000, T0)));
		const held = results.filter(r => r.ok);
		expect(held).toHaveLength(12); // 12 × 0.004 = 0.048 ≤ 0.05 < 13 × 0.004
		expect(results.filter(r => !r.ok).every(r => (r as any).budget_id === agent.id)).toBe(true);
		expect((await usage(agent.id)).reserved_usd).toBe(0.048);
		expect((await usage(org.id)).reserved_usd).toBe(0.048);
		expect((await usage(other.id)).reserved_usd).toBe(0);
		await Promise.all(held.map(r => ledger.settle(ORG, (r as any).reservation_id, 1000, T0)));
		expect(await usage(agent.id)).toMatchObject({ used_usd: 0.012, reserved_usd: 0 });
		expect(await usage(org.id)).toMatchObject({ used_usd: 0.012, reserved_usd: 0 });
		expect(await repos.budget_spend.forOrg(ORG).count()).toBe(12);
	});

	it("with no applicable budget nothing is stored; the id still names the agent for the settle", async () => {
		await budget({ limit_usd: 1, scope: "agent", agent_id: "agt_2" });
		const r = await ledger.reserve(ORG, call("agt_1"), 5000, T0);
		expect(r.ok).toBe(true);
		expect(nothingHeldFor((r as any).reservation_id)).toEqual({ agent_id: "agt_1" });
		expect(await repos.budget_reservations.forOrg(ORG).count()).toBe(0);
		expect(nothingHeldFor("rsv_abc")).toBeNull();
	});

	it("throttle and alert_only budgets hold reservations but never refuse", async () => {
		const t = await budget({ limit_usd: 0.001, action_on_exceed: "throttle" });
		const a = await budget({ limit_usd: 0.001, action_on_exceed: "alert_only" });
		const r = await ledger.reserve(ORG, call(), 5000, T0);
		expect(r.ok).toBe(true);
		await ledger.settle(ORG, (r as any).reservation_id, 5000, T0);
		expect((await usage(t.id)).used_usd).toBe(0.005);
		expect((await usage(a.id)).percentage_used).toBe(500);
		expect((await ledger.reserve(ORG, call(), 5000, T0)).ok).toBe(true);
	});

	it("a block budget whose used amount reached the limit refuses even a free call", async () => {
		const b = await budget({ limit_usd: 0.001 });
		await ledger.charge(ORG, null, null, 1000, T0);
		expect(await ledger.reserve(ORG, call(), 0, T0)).toMatchObject({ ok: false, budget_id: b.id });
	});

	it("an expired reservation is given back by the sweep; a late settle still counts the spend once", async () => {
		const b = await budget({ limit_usd: 1 });
		const r = await ledger.reserve(ORG, call(), 300000, T0);
		await ledger.sweep(later(RESERVATION_TTL_MS - 1000));
		expect((await usage(b.id)).reserved_usd).toBe(0.3);
		await ledger.sweep(later(RESERVATION_TTL_MS + 1000));
		expect((await usage(b.id)).reserved_usd).toBe(0);
		expect(await ledger.settle(ORG, (r as any).reservation_id, 100000, T0)).toBe(true);
		expect(await usage(b.id)).toMatchObject({ used_usd: 0.1, reserved_usd: 0 });
	});

	it("reconcile rebuilds reservation counters from the held reservations", async () => {
		const b = await budget({ limit_usd: 1 });
		await ledger.reserve(ORG, call(), 2000, T0);
		await repos.budgets.forOrg(ORG).updateWhere({ id: b.id }, { $set: { reserved_micros: 999999, committed_micros: 999999 } });
		await ledger.reconcile();
		expect((await repos.budgets.forOrg(ORG).get(b.id))).toMatchObject({ reserved_micros: 2000, committed_micros: 2000 });
	});
});

describe("scopes", () => {
	it("team budgets count calls of the team's agents; org spend without an agent counts toward org budgets only", async () => {
		const org = await budget({ limit_usd: 1 });
		const team = await budget({ limit_usd: 1, scope: "team", team: "Support" });
		const agent = await budget({ limit_usd: 1, scope: "agent", agent_id: "agt_1" });
		const disabled = await budget({ limit_usd: 1, scope: "agent", agent_id: "agt_1", enabled: false });
		await ledger.charge(ORG, "agt_1", "Support", 1000, T0);
		await ledger.charge(ORG, "agt_2", "Sales", 2000, T0);
		await ledger.charge(ORG, null, null, 4000, T0);
		expect((await usage(org.id)).used_usd).toBe(0.007);
		expect((await usage(team.id)).used_usd).toBe(0.001);
		expect((await usage(agent.id)).used_usd).toBe(0.001);
		// Disabled budgets are not enforced, but their usage figures stay exact.
		expect((await usage(disabled.id)).used_usd).toBe(0.001);
	});
});

describe("periods and alerts", () => {
	it("alerts fire once per type per period; at reset used restarts at 0 and alerts can fire again", async () => {
		const b = await budget({ limit_usd: 0.01, alert_threshold: 0.5, action_on_exceed: "alert_only" });
		await ledger.charge(ORG, "agt_1", null, 4000, T0);
		expect(events).toHaveLength(0);
		await ledger.charge(ORG, "agt_1", null, 1000, T0);
		await ledger.charge(ORG, "agt_1", null, 1000, T0);
		expect(events.map(e => e.event)).toEqual(["budget.alert"]);
		expect(events[0].payload).toEqual({
			org_id: ORG,
			budget_id: b.id,
			budget_name: b.name,
			alert_id: expect.any(String),
			percentage_used: 50,
			used_usd: 0.005,
			limit_usd: 0.01,
			action_on_exceed: "alert_only"
		});
		await ledger.charge(ORG, "agt_1", null, 5000, T0);
		await ledger.charge(ORG, "agt_1", null, 5000, T0);
		expect(events.map(e => e.event)).toEqual(["budget.alert", "budget.exceeded"]);
		const alerts = await repos.budget_alerts.forOrg(ORG).find({}, { sort: { created_at: 1 } });
		expect(alerts.map(a => [a.type, a.period_start, a.used_usd, a.percentage_used])).toEqual([
			["threshold", "2025-03-12T00:00:00.000Z", 0.005, 50],
			["exceeded", "2025-03-12T00:00:00.000Z", 0.011, 110]
		]);

		// Just before midnight the period still holds; at midnight it resets.
		expect(await usage(b.id, new Date("2025-03-12T23:59:59.999Z"))).toMatchObject({ used_usd: 0.016, resets_at: "2025-03-13T00:00:00.000Z" });
		const nextDay = new Date("2025-03-13T00:00:00.000Z");
		expect(await usage(b.id, nextDay)).toMatchObject({ used_usd: 0, percentage_used: 0, resets_at: "2025-03-14T00:00:00.000Z" });
		await ledger.sweep(nextDay);
		expect(events.map(e => e.event)).toEqual(["budget.alert", "budget.exceeded", "budget.reset"]);
		expect(events[2].payload).toMatchObject({ budget_id: b.id, alert_id: null, used_usd: 0, percentage_used: 0 });
		expect(await repos.budgets.forOrg(ORG).get(b.id)).toMatchObject({ period_start: "2025-03-13T00:00:00.000Z", used_micros: 0 });
		await ledger.sweep(later(HOUR, nextDay));
		expect(events).toHaveLength(3);
		await ledger.charge(ORG, "agt_1", null, 6000, later(HOUR, nextDay));
		expect(events.map(e => e.event)).toEqual(["budget.alert", "budget.exceeded", "budget.reset", "budget.alert"]);
	});

	it("reservations outlive a reset; a settle after the reset counts in the new period", async () => {
		const sunday = new Date("2025-03-16T23:55:00.000Z");
		const b = await budget({ limit_usd: 0.01, period: "weekly" }, sunday);
		const r = await ledger.reserve(ORG, call(), 3000, sunday);
		await ledger.charge(ORG, "agt_1", null, 5000, sunday);
		const monday = new Date("2025-03-17T00:00:01.000Z");
		await ledger.sweep(monday);
		expect(await usage(b.id, monday)).toMatchObject({ used_usd: 0, reserved_usd: 0.003, resets_at: "2025-03-24T00:00:00.000Z" });
		await ledger.settle(ORG, (r as any).reservation_id, 2000, monday);
		expect(await usage(b.id, monday)).toMatchObject({ used_usd: 0.002, reserved_usd: 0 });
	});

	it("disabled budgets raise no alerts", async () => {
		await budget({ limit_usd: 0.001, enabled: false });
		await ledger.charge(ORG, null, null, 5000, T0);
		expect(events).toHaveLength(0);
		expect(await repos.budget_alerts.forOrg(ORG).count()).toBe(0);
	});

	it("a period change recounts the new current period from the journal, never before the budget existed", async () => {
		const monthStart = new Date("2025-03-01T00:00:00.000Z");
		const b = await budget({ limit_usd: 1, period: "daily" }, later(24 * HOUR, monthStart)); // created on March 2nd
		await ledger.charge(ORG, null, null, 1000, later(20 * HOUR, monthStart)); // March 1st: before the budget
		await ledger.charge(ORG, null, null, 2000, new Date("2025-03-05T10:00:00.000Z"));
		await ledger.charge(ORG, null, null, 4000, new Date("2025-03-12T09:00:00.000Z"));
		expect((await usage(b.id)).used_usd).toBe(0.004);
		const monthly = await ledger.changePeriod(b, "monthly", {}, T0);
		expect(monthly).toMatchObject({ period: "monthly", period_start: "2025-03-01T00:00:00.000Z", period_end: "2025-04-01T00:00:00.000Z", used_micros: 6000 });
		const weekly = await ledger.changePeriod(b, "weekly", {}, T0);
		expect(weekly).toMatchObject({ period_start: "2025-03-10T00:00:00.000Z", used_micros: 4000 });
	});
});
