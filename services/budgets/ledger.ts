import { newId } from "../../lib/ids";
import { UniqueViolation, type Filter, type Repository } from "../../lib/store";
import { alertMessage, isStale, type AlertDoc, type AlertType, type BudgetDoc, type ReservationDoc, type SpendDoc } from "./model";
import { fromMicros, round2, toMicros } from "./money";
import { currentPeriod, type Period } from "./periods";
import { KeyedQueue } from "./queue";

export interface LedgerRepos {
	budgets: Repository<BudgetDoc>;
	budget_alerts: Repository<AlertDoc>;
	budget_reservations: Repository<ReservationDoc>;
	budget_spend: Repository<SpendDoc>;
}

export type Emit = (event: string, payload: Record<string, unknown>) => void;

export type Refusal = { ok: false; budget_id: string; budget_name: string; resets_at: string };
export type ReserveResult = { ok: true; reservation_id: string } | Refusal;

/** A crashed run's reservation is given back after this long. */
export const RESERVATION_TTL_MS = 10 * 60_000;
const EXPIRED_KEPT_MS = 24 * 3_600_000;
/** Settled amounts are kept long enough to recount any period (a month at most) after a period change. */
const SPEND_KEPT_MS = 35 * 86_400_000;

/**
 * Reservation id answered when no budget applies: nothing is stored, and the settle books the cost
 * (to budgets created meanwhile) from the agent named in the id.
 */
const NOTHING_HELD = "rsv0.";
export const nothingHeldFor = (reservationId: string): { agent_id: string | null } | null =>
	reservationId.startsWith(NOTHING_HELD) ? { agent_id: reservationId.slice(NOTHING_HELD.length) || null } : null;

const fits = (b: BudgetDoc, amount: number) => b.used_micros < b.limit_micros && b.committed_micros + amount <= b.limit_micros;

export const refusalOf = (b: BudgetDoc, now: Date): Refusal => ({
	ok: false,
	budget_id: b.id,
	budget_name: b.name,
	resets_at: currentPeriod(b.period, now).end
});

/** Budgets of an org that a call of this agent (of this team) falls under; `agentId` null = org-level spend only. */
export function scopeFilter(agentId: string | null, team: string | null): Filter {
	const or: Filter[] = [{ scope: "org" }];
	if (agentId) or.push({ scope: "agent", agent_id: agentId });
	if (agentId && team) or.push({ scope: "team", team });
	return { $or: or };
}

/**
 * The spend accounts of every budget: per-period counters on the budget documents, reservations, the
 * settled-spend journal, and alerts. Counter changes are serialised per org in this process and are,
 * in addition, conditional single-document updates (`committed ≤ limit − amount`), so a `block` limit
 * also holds if several nodes ever share one database.
 */
export class Ledger {
	readonly queue = new KeyedQueue();
	/** Alerts known to exist (`budget:period:type`), to skip the lookup on every settle. */
	private readonly raised = new Set<string>();

	constructor(
		private readonly repos: LedgerRepos,
		private readonly emit: Emit
	) {}

	private budgetsOf(orgId: string) {
		return this.repos.budgets.forOrg(orgId);
	}

	/** The budget with its counters moved to the current period (used restarts at 0, reservations carry over). */
	async current(doc: BudgetDoc, now: Date): Promise<BudgetDoc | null> {
		let cur: BudgetDoc | null = doc;
		for (let attempt = 0; cur && isStale(cur, now) && attempt < 5; attempt++) {
			const { start, end } = currentPeriod(cur.period, now);
			const rolled = await this.budgetsOf(cur.org_id).updateWhere(
				{ id: cur.id, period_start: cur.period_start, reserved_micros: cur.reserved_micros },
				{ $set: { period_start: start, period_end: end, used_micros: 0, committed_micros: cur.reserved_micros } }
			);
			if (rolled) {
				if (rolled.enabled) this.emitFor("budget.reset", rolled, null);
				return rolled;
			}
			cur = await this.budgetsOf(doc.org_id).get(doc.id);
		}
		return cur;
	}

	/** Budgets in scope of a call, current; only enabled ones unless `all`. Oldest first. */
	async inScope(orgId: string, agentId: string | null, team: string | null, all: boolean, now: Date): Promise<BudgetDoc[]> {
		const filter = scopeFilter(agentId, team);
		if (!all) filter.enabled = true;
		const docs = await this.budgetsOf(orgId).find(filter, { sort: { created_at: 1, id: 1 } });
		const out: BudgetDoc[] = [];
		for (const doc of docs) {
			const cur = isStale(doc, now) ? await this.current(doc, now) : doc;
			if (cur) out.push(cur);
		}
		return out;
	}

	/** Holds `amount` on every applicable budget, or on none when a `block` budget cannot afford it. */
	reserve(orgId: string, call: { agent_id: string | null; team: string | null; run_id: string | null }, amount: number, now = new Date()): Promise<ReserveResult> {
		return this.queue.run(orgId, async () => {
			const budgets = await this.inScope(orgId, call.agent_id, call.team, false, now);
			if (!budgets.length) return { ok: true as const, reservation_id: `${NOTHING_HELD}${call.agent_id ?? ""}` };
			const short = budgets.find(b => b.action_on_exceed === "block" && !fits(b, amount));
			if (short) return refusalOf(short, now);
			const reservation = await this.repos.budget_reservations.forOrg(orgId).insert({
				id: newId("rsv"),
				run_id: call.run_id,
				agent_id: call.agent_id,
				team: call.team,
				amount_micros: amount,
				budget_ids: budgets.map(b => b.id),
				state: "held",
				expires_at: new Date(now.getTime() + RESERVATION_TTL_MS).toISOString()
			});
			const held: string[] = [];
			for (const budget of budgets) {
				const outcome = await this.hold(budget, amount, now);
				if (outcome === "held") held.push(budget.id);
				else if (outcome !== "gone") {
					for (const id of held) await this.budgetsOf(orgId).updateWhere({ id }, { $inc: { reserved_micros: -amount, committed_micros: -amount } });
					await this.repos.budget_reservations.forOrg(orgId).delete(reservation.id);
					return refusalOf(outcome, now);
				}
			}
			return { ok: true as const, reservation_id: reservation.id };
		});
	}

	/** Adds `amount` to the budget's reservations; a `block` budget only while it stays within its limit. */
	private async hold(budget: BudgetDoc, amount: number, now: Date): Promise<"held" | "gone" | BudgetDoc> {
		let b: BudgetDoc | null = budget;
		for (let attempt = 0; attempt < 5; attempt++) {
			if (!b) return "gone";
			const block = b.action_on_exceed === "block";
			if (block && !fits(b, amount)) return b;
			if (amount === 0) return "held";
			const filter: Filter = { id: b.id, period_start: b.period_start };
			if (block) Object.assign(filter, { limit_micros: b.limit_micros, used_micros: { $lt: b.limit_micros }, committed_micros: { $lte: b.limit_micros - amount } });
			const updated = await this.budgetsOf(b.org_id).updateWhere(filter, { $inc: { reserved_micros: amount, committed_micros: amount } });
			if (updated) return "held";
			const fresh = await this.budgetsOf(b.org_id).get(b.id);
			b = fresh && (await this.current(fresh, now));
		}
		return b ?? "gone";
	}

	/** Gives back the reservation and books the actual cost; false when it was settled or released already. */
	settle(orgId: string, reservationId: string, actual: number, now = new Date()): Promise<boolean> {
		return this.queue.run(orgId, async () => {
			const reservations = this.repos.budget_reservations.forOrg(orgId);
			const r = await reservations.get(reservationId);
			// Deleting first makes a repeated settle (e.g. a request delivered twice) a no-op.
			if (!r || !(await reservations.delete(r.id))) return false;
			await this.book(orgId, r.agent_id, r.team, actual, r.state === "held" ? r : null, now);
			return true;
		});
	}

	/** Spend without a reservation (e.g. prompt tests): org-level budgets only when `agentId` is null. */
	charge(orgId: string, agentId: string | null, team: string | null, actual: number, now = new Date()): Promise<void> {
		return this.queue.run(orgId, () => this.book(orgId, agentId, team, actual, null, now));
	}

	release(orgId: string, reservationId: string): Promise<boolean> {
		return this.queue.run(orgId, async () => {
			const reservations = this.repos.budget_reservations.forOrg(orgId);
			const r = await reservations.get(reservationId);
			if (!r || !(await reservations.delete(r.id))) return false;
			if (r.state === "held") await this.unhold(r);
			return true;
		});
	}

	private async unhold(r: ReservationDoc) {
		if (!r.amount_micros) return;
		for (const id of r.budget_ids) {
			await this.budgetsOf(r.org_id).updateWhere({ id }, { $inc: { reserved_micros: -r.amount_micros, committed_micros: -r.amount_micros } });
		}
	}

	private async book(orgId: string, agentId: string | null, team: string | null, actual: number, reservation: ReservationDoc | null, now: Date) {
		const inScope = actual > 0 ? await this.inScope(orgId, agentId, team, true, now) : [];
		const charged = new Set(inScope.map(b => b.id));
		const released = new Set(reservation?.amount_micros ? reservation.budget_ids : []);
		const amount = reservation?.amount_micros ?? 0;
		for (const id of new Set([...released, ...charged])) {
			const inc = { reserved_micros: 0, used_micros: 0, committed_micros: 0 };
			if (released.has(id)) {
				inc.reserved_micros -= amount;
				inc.committed_micros -= amount;
			}
			if (charged.has(id)) {
				inc.used_micros += actual;
				inc.committed_micros += actual;
			}
			const updated = await this.budgetsOf(orgId).updateWhere({ id }, { $inc: inc });
			if (updated && charged.has(id)) await this.checkAlerts(updated, now);
		}
		if (inScope.length) {
			await this.repos.budget_spend.forOrg(orgId).insert({ id: newId("spd"), agent_id: agentId, team, amount_micros: actual, settled_at: now.toISOString() });
		}
	}

	/** Raises the period's `threshold` and `exceeded` alerts of an enabled budget once each. */
	async checkAlerts(doc: BudgetDoc, now = new Date()) {
		if (!doc.enabled || isStale(doc, now)) return;
		const due: AlertType[] = [];
		if (doc.used_micros >= toMicros(doc.alert_threshold * doc.limit_usd)) due.push("threshold");
		if (doc.used_micros >= doc.limit_micros) due.push("exceeded");
		for (const type of due) {
			const key = `${doc.id}:${doc.period_start}:${type}`;
			if (this.raised.has(key)) continue;
			const usedUsd = fromMicros(doc.used_micros);
			const percentage = round2((usedUsd / doc.limit_usd) * 100);
			try {
				const alert = await this.repos.budget_alerts.forOrg(doc.org_id).insert({
					id: newId("alert"),
					budget_id: doc.id,
					budget_name: doc.name,
					agent_id: doc.agent_id,
					type,
					percentage_used: percentage,
					used_usd: usedUsd,
					limit_usd: doc.limit_usd,
					message: alertMessage(doc, type, usedUsd, percentage),
					period_start: doc.period_start,
					acknowledged: false,
					acknowledged_at: null,
					acknowledged_by: null
				});
				this.emitFor(type === "exceeded" ? "budget.exceeded" : "budget.alert", doc, alert.id);
			} catch (err) {
				if (!(err instanceof UniqueViolation)) throw err;
			}
			this.raised.add(key);
		}
	}

	private emitFor(event: string, doc: BudgetDoc, alertId: string | null) {
		const usedUsd = fromMicros(doc.used_micros);
		this.emit(event, {
			org_id: doc.org_id,
			budget_id: doc.id,
			budget_name: doc.name,
			alert_id: alertId,
			percentage_used: round2((usedUsd / doc.limit_usd) * 100),
			used_usd: usedUsd,
			limit_usd: doc.limit_usd,
			action_on_exceed: doc.action_on_exceed
		});
	}

	/**
	 * A new `period` starts the current period at the new boundary: its used amount is recounted from the
	 * journal (never before the budget existed). Runs in the org's queue so no settle interleaves.
	 */
	changePeriod(doc: BudgetDoc, period: Period, set: Partial<BudgetDoc>, now = new Date()): Promise<BudgetDoc | null> {
		return this.queue.run(doc.org_id, async () => {
			const fresh = await this.budgetsOf(doc.org_id).get(doc.id);
			if (!fresh) return null;
			const { start, end } = currentPeriod(period, now);
			const from = start > fresh.created_at ? start : fresh.created_at;
			const filter: Filter = { settled_at: { $gte: from } };
			if (fresh.scope === "agent") filter.agent_id = fresh.agent_id;
			if (fresh.scope === "team") filter.team = fresh.team;
			const entries = await this.repos.budget_spend.forOrg(doc.org_id).find(filter);
			const used = entries.reduce((sum, e) => sum + e.amount_micros, 0);
			return this.budgetsOf(doc.org_id).update(doc.id, {
				...set,
				period,
				period_start: start,
				period_end: end,
				used_micros: used,
				committed_micros: used + fresh.reserved_micros
			});
		});
	}

	/** Gives back expired reservations, resets budgets whose period has ended, and forgets old journal entries. */
	async sweep(now = new Date()) {
		const iso = now.toISOString();
		const expired = await this.repos.budget_reservations.platformWide().find({ state: "held", expires_at: { $lt: iso } });
		for (const r of expired) {
			await this.queue.run(r.org_id, async () => {
				const marked = await this.repos.budget_reservations.forOrg(r.org_id).updateWhere({ id: r.id, state: "held" }, { $set: { state: "expired" } });
				if (marked) await this.unhold(r);
			});
		}
		const stale = await this.repos.budgets.platformWide().find({ period_end: { $lte: iso } });
		for (const b of stale) await this.queue.run(b.org_id, () => this.current(b, now));
		await this.repos.budget_reservations.platformWide().deleteMany({ state: "expired", expires_at: { $lt: new Date(now.getTime() - EXPIRED_KEPT_MS).toISOString() } });
		await this.repos.budget_spend.platformWide().deleteMany({ settled_at: { $lt: new Date(now.getTime() - SPEND_KEPT_MS).toISOString() } });
		// Only a shortcut: the unique index on (budget, period, type) is what keeps alerts single.
		if (this.raised.size > 10_000) this.raised.clear();
	}

	/** Sets every budget's reservations to what its held reservations say (at start, when no call is in flight). */
	async reconcile() {
		const held = await this.repos.budget_reservations.platformWide().find({ state: "held" });
		const sums = new Map<string, number>();
		for (const r of held) for (const id of r.budget_ids) sums.set(id, (sums.get(id) ?? 0) + r.amount_micros);
		const budgets = await this.repos.budgets.platformWide().find({});
		for (const b of budgets) {
			const reserved = sums.get(b.id) ?? 0;
			if (reserved !== b.reserved_micros || b.committed_micros !== b.used_micros + reserved) {
				await this.budgetsOf(b.org_id).updateWhere({ id: b.id }, { $set: { reserved_micros: reserved, committed_micros: b.used_micros + reserved } });
			}
		}
	}
}
