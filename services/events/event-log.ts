import { canonicalJson } from "../../lib/canonical-json";
import { sha256Hex } from "../../lib/crypto";
import { newId } from "../../lib/ids";
import { UniqueViolation } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { matchingPatterns, shapePayload, WEBHOOK_FAILED } from "./catalogue";
import type { EventsThis } from "./events.service";
import { MAX_DEPTH, presentEvent, type EventDoc, type SubscriptionDoc } from "./model";

export interface BusSeenDoc {
	id: string;
	org_id: string;
	seen_at: string;
	created_at: string;
	updated_at: string;
}

export interface NewEvent {
	orgId: string;
	type: string;
	source: EventDoc["source"];
	payload: Record<string, unknown>;
	depth: number;
}

/** The same broadcast reaches every node running this service; copies within this window are one event. */
const DUPLICATE_WINDOW_MS = 10_000;
/** An event whose deliveries are not all written this long after it was stored lost its node: finish the fan-out. */
const FANOUT_GRACE_MS = 5_000;
const DAY_MS = 24 * 3600 * 1000;
const RETENTION_SWEEP_MS = 3600 * 1000;

const asString = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

/**
 * The org's event log and the write side of the outbox: an event is stored together with the list of
 * subscriptions it matched, then one pending delivery per subscription; a crash in between is finished
 * by `finishFanOuts`, so an accepted event never loses a delivery.
 */
/** How long one read of an org's subscriptions serves its events (changes on this node apply at once). */
const SUBSCRIPTIONS_REUSE_MS = 1_000;

export class EventLog {
	private retainedAt = 0;
	private readonly subscriptionsOf = new Map<string, { at: number; subs: Promise<SubscriptionDoc[]> }>();

	constructor(
		private readonly svc: EventsThis,
		private readonly deliveriesWritten: () => void
	) {}

	private get repos() {
		return this.svc.repos;
	}

	/** A module's broadcast of a catalogue event: shaped to the catalogue's payload fields and stored once. */
	async recordPlatformEvent(type: string, params: Record<string, unknown>): Promise<EventDoc | null> {
		const orgId = asString(params?.org_id);
		if (!orgId) return null;
		if (this.replicated() && !(await this.firstSighting(orgId, type, params))) return null;
		const payload = shapePayload(type, params);
		return this.record({ orgId, type, source: "platform", payload, depth: await this.depthOf(orgId, params, payload) });
	}

	async record(e: NewEvent): Promise<EventDoc> {
		const subs = e.depth >= MAX_DEPTH ? [] : await this.matchingSubscriptions(e.orgId, e.type);
		const agentId = asString(e.payload.agent_id);
		const runId = asString(e.payload.run_id);
		const event = await this.repos.events.forOrg(e.orgId).insert({
			id: newId("evt"),
			event_type: e.type,
			source: e.source,
			payload: e.payload,
			...(agentId ? { agent_id: agentId } : {}),
			...(runId ? { run_id: runId } : {}),
			depth: e.depth,
			matched_subscriptions: subs.length,
			// The matched subscriptions are stored with the event: a crash before their deliveries are written loses none.
			...(subs.length ? { fanout_since: nowIso(), fanout_pending: subs.map(s => s.id) } : {})
		});
		if (subs.length) await this.fanOut(event, subs);
		this.svc.broker.broadcast("events.stored", { event: presentEvent(event) }, { groups: ["events-live"] });
		return event;
	}

	/** Enabled subscriptions of the org matching the type; failure notices never go to webhooks (§9). */
	private async matchingSubscriptions(orgId: string, type: string): Promise<SubscriptionDoc[]> {
		const patterns = new Set(matchingPatterns(type));
		const subs = (await this.enabledSubscriptions(orgId)).filter(s => patterns.has(s.event_type));
		return type === WEBHOOK_FAILED ? subs.filter(s => s.target_type !== "webhook") : subs;
	}

	/**
	 * The org's enabled subscriptions, read once for the events of a short moment (every run makes
	 * several events); this node's own subscription changes drop the copy at once.
	 */
	private enabledSubscriptions(orgId: string): Promise<SubscriptionDoc[]> {
		const cached = this.subscriptionsOf.get(orgId);
		if (cached && Date.now() - cached.at < SUBSCRIPTIONS_REUSE_MS) return cached.subs;
		const subs = this.repos.subscriptions.forOrg(orgId).find({ enabled: true }, { sort: { created_at: 1, id: 1 } });
		this.subscriptionsOf.set(orgId, { at: Date.now(), subs });
		subs.catch(() => this.subscriptionsOf.delete(orgId));
		return subs;
	}

	/** A subscription of the org was created, changed or removed. */
	forgetSubscriptions(orgId: string): void {
		this.subscriptionsOf.delete(orgId);
	}

	private async fanOut(event: EventDoc, subs: SubscriptionDoc[]): Promise<void> {
		const deliveries = this.repos.event_deliveries.forOrg(event.org_id);
		const now = nowIso();
		for (const sub of subs) {
			try {
				await deliveries.insert({
					id: newId("dlv"),
					subscription_id: sub.id,
					event_id: event.id,
					event_type: event.event_type,
					target_type: sub.target_type,
					event_depth: event.depth,
					status: "pending",
					attempts: 0,
					last_status_code: null,
					last_error: null,
					next_attempt_at: now,
					claimed_by: null,
					claim_expires_at: null,
					attempt_log: [],
					created_at: now,
					updated_at: now
				});
			} catch (err) {
				if (!(err instanceof UniqueViolation)) throw err;
			}
		}
		await this.repos.events.forOrg(event.org_id).updateWhere({ id: event.id }, { $unset: { fanout_since: true, fanout_pending: true } });
		this.deliveriesWritten();
	}

	/** Writes the deliveries of events whose node stopped between storing the event and writing them. */
	async finishFanOuts(): Promise<number> {
		const stale = new Date(Date.now() - FANOUT_GRACE_MS).toISOString();
		const events = await this.repos.events.platformWide().find({ fanout_since: { $lt: stale } }, { limit: 500 });
		for (const event of events) {
			const subs = await this.repos.subscriptions.forOrg(event.org_id).find({ id: { $in: event.fanout_pending ?? [] } });
			await this.fanOut(event, subs);
		}
		return events.length;
	}

	/** More than one node runs this service (on a shared database): each of them receives every broadcast. */
	private replicated(): boolean {
		const list = this.svc.broker.registry.getServiceList({ onlyAvailable: true }) as { name: string }[];
		return list.filter(s => s.name === this.svc.name).length > 1;
	}

	/**
	 * True for the first copy of a broadcast when several nodes receive it. An identical broadcast
	 * outside the window is a new event.
	 */
	private async firstSighting(orgId: string, type: string, params: Record<string, unknown>): Promise<boolean> {
		const seen = this.repos.bus_seen.forOrg(orgId);
		const id = `bus_${sha256Hex(`${type}\n${canonicalJson(params)}`).slice(0, 40)}`;
		const now = nowIso();
		try {
			await seen.insert({ id, seen_at: now });
			return true;
		} catch (err) {
			if (!(err instanceof UniqueViolation)) throw err;
		}
		const previous = await seen.get(id);
		if (!previous || Date.now() - Date.parse(previous.seen_at) < DUPLICATE_WINDOW_MS) return false;
		return !!(await seen.updateWhere({ id, seen_at: previous.seen_at }, { $set: { seen_at: now } }));
	}

	/** 0, or the triggering event's depth + 1 for what a subscription-triggered run causes (§9). */
	private async depthOf(orgId: string, params: Record<string, unknown>, payload: Record<string, unknown>): Promise<number> {
		const run = params.run as { trigger?: string; metadata?: Record<string, unknown> } | undefined;
		const fromRun = Number(run?.metadata?.event_depth);
		if (run?.trigger === "event" && Number.isInteger(fromRun)) return fromRun + 1;
		// A run no subscription started causes depth-0 events.
		if (run && run.trigger !== "event") return 0;
		const runId = asString(payload.run_id);
		if (!runId) return 0;
		const delivery = await this.repos.event_deliveries.forOrg(orgId).findOne({ run_id: runId });
		return delivery ? (delivery.event_depth ?? 0) + 1 : 0;
	}

	/** Unfinished fan-outs at every sweep; retention (admin setting `event_retention_days`) once an hour. */
	async sweep(): Promise<void> {
		await this.finishFanOuts();
		if (Date.now() - this.retainedAt < RETENTION_SWEEP_MS) return;
		this.retainedAt = Date.now();
		const settings = await this.svc.settingsCache.get();
		const cutoff = new Date(Date.now() - settings.event_retention_days * DAY_MS).toISOString();
		await this.repos.events.platformWide().deleteMany({ created_at: { $lt: cutoff } });
		await this.repos.event_deliveries.platformWide().deleteMany({ status: { $in: ["succeeded", "failed"] }, updated_at: { $lt: cutoff } });
		await this.repos.bus_seen.platformWide().deleteMany({ seen_at: { $lt: new Date(Date.now() - 6 * DUPLICATE_WINDOW_MS).toISOString() } });
		await this.repos.event_idempotency.platformWide().deleteMany({ expires_at: { $lt: nowIso() } });
	}
}
