import { callIfPresent } from "../../lib/calls";
import { FluxError } from "../../lib/errors";
import { outboundPolicy } from "../../lib/outbound";
import { nowIso } from "../../lib/time";
import { decryptValue } from "../secrets/vault";
import { WEBHOOK_FAILED } from "./catalogue";
import type { EventsThis } from "./events.service";
import { MAX_CONSECUTIVE_FAILURES, presentEvent, secretContext, type DeliveryDoc, type EventDoc, type SubscriptionDoc } from "./model";
import type { SendResult } from "./outbox";
import { renderTemplate } from "./template";
import { postWebhook } from "./webhook";

const final = (code: string, message: string, runId: string | null = null): SendResult => ({ ok: false, statusCode: null, error: { code, message }, retryable: false, runId });

/** Well inside the outbox's claim (CLAIM_MS), so no other node takes the delivery over meanwhile. */
const START_RUN_TIMEOUT_MS = 20_000;
/** A subscription read for deliveries is reused this long (changes made on this node apply at once). */
const SUBSCRIPTION_CACHE_MS = 1_000;
/** Events are immutable: the last ones read are kept (one event fans out to several deliveries). */
const EVENT_CACHE_SIZE = 1_000;

interface CachedSubscription {
	sub: SubscriptionDoc;
	secret: string | null;
	until: number;
}

/** Makes the attempts of claimed deliveries: a signed webhook POST, or a run of the subscribed agent. */
export class Sender {
	private readonly subscriptions = new Map<string, CachedSubscription>();
	private readonly events = new Map<string, EventDoc>();

	constructor(private readonly svc: EventsThis) {}

	/** The subscription changed or went away: read it again for the next delivery. */
	forget(subscriptionId: string): void {
		this.subscriptions.delete(subscriptionId);
	}

	private async subscription(orgId: string, id: string): Promise<CachedSubscription | null> {
		const cached = this.subscriptions.get(id);
		if (cached && cached.until > Date.now()) return cached;
		const sub = await this.svc.repos.subscriptions.forOrg(orgId).get(id);
		if (!sub) return null;
		const secret = sub.secret_ciphertext ? decryptValue(sub.secret_ciphertext, this.svc.platform.masterKey, secretContext(sub.org_id, sub.id)) : null;
		const entry = { sub, secret, until: Date.now() + SUBSCRIPTION_CACHE_MS };
		this.subscriptions.set(id, entry);
		return entry;
	}

	private async event(orgId: string, id: string): Promise<EventDoc | null> {
		const cached = this.events.get(id);
		if (cached) return cached;
		const event = await this.svc.repos.events.forOrg(orgId).get(id);
		if (!event) return null;
		if (this.events.size >= EVENT_CACHE_SIZE) this.events.delete(this.events.keys().next().value as string);
		this.events.set(id, event);
		return event;
	}

	async send(delivery: DeliveryDoc, reclaimed: boolean): Promise<SendResult> {
		const [target, event] = await Promise.all([this.subscription(delivery.org_id, delivery.subscription_id), this.event(delivery.org_id, delivery.event_id)]);
		if (!target) return final("SUBSCRIPTION_DELETED", "The subscription was deleted");
		if (!event) return final("EVENT_EXPIRED", "The event is no longer in the event log");
		return target.sub.target_type === "webhook" ? this.sendWebhook(delivery, target, event) : this.startRun(delivery, target.sub, event, reclaimed);
	}

	private async sendWebhook(delivery: DeliveryDoc, { sub, secret }: CachedSubscription, event: EventDoc): Promise<SendResult> {
		const settings = await this.svc.settingsCache.get();
		const body = JSON.stringify({ id: delivery.id, event: presentEvent(event) });
		return postWebhook(
			{ url: sub.url as string, secret: secret as string, deliveryId: delivery.id, eventType: event.event_type, body },
			outboundPolicy(settings, this.svc.config.allowPrivateNetwork)
		);
	}

	/** §9 agent targets: one run per delivery under the runtime's acceptance rules; a refusal is final. */
	private async startRun(delivery: DeliveryDoc, sub: SubscriptionDoc, event: EventDoc, reclaimed: boolean): Promise<SendResult> {
		const broker = this.svc.broker;
		if (!(broker.registry as any).actions.isAvailable("runtime.startRun")) {
			return { ok: false, statusCode: null, error: { code: "SERVICE_UNAVAILABLE", message: "No runtime node is available" }, retryable: true };
		}
		// An earlier attempt may have started the run before its node died: never start a second one.
		if (reclaimed) {
			const existing = await this.runOf(sub, event);
			if (existing) return { ok: true, statusCode: null, error: null, retryable: false, runId: existing };
		}
		try {
			const run: any = await broker.call("runtime.startRun", {
				org_id: sub.org_id,
				agent_id: sub.agent_id,
				input: renderTemplate(sub.input_template ?? "", event.payload),
				trigger: "event",
				trigger_ref: sub.id,
				metadata: { event_id: event.id, event_type: event.event_type, delivery_id: delivery.id, event_depth: event.depth }
			}, { timeout: START_RUN_TIMEOUT_MS });
			return { ok: true, statusCode: null, error: null, retryable: false, runId: run.id };
		} catch (err: any) {
			const unreachable = err?.type === "SERVICE_NOT_FOUND" || err?.type === "SERVICE_NOT_AVAILABLE";
			if (!unreachable && (err instanceof FluxError || (typeof err?.code === "number" && err.code < 500))) {
				return final(String(err.type ?? "RUN_REFUSED"), String(err.message ?? "The run was refused"), err.data?.run_id ?? null);
			}
			return { ok: false, statusCode: null, error: { code: "SERVICE_UNAVAILABLE", message: "The runtime could not be reached" }, retryable: true };
		}
	}

	private async runOf(sub: SubscriptionDoc, event: EventDoc): Promise<string | null> {
		const page: any = await callIfPresent(
			this.svc.broker,
			"runtime.findRuns",
			{ org_id: sub.org_id, filter: { trigger: "event", trigger_ref: sub.id }, limit: 200, order: "desc" },
			{ items: [] }
		);
		return page.items.find((r: any) => r.metadata?.event_id === event.id)?.id ?? null;
	}

	/** A delivery is final: the subscription's delivery status, its failure count, and the failure notice. */
	async settled(delivery: DeliveryDoc): Promise<void> {
		const subs = this.svc.repos.subscriptions.forOrg(delivery.org_id);
		const now = nowIso();
		const cached = this.subscriptions.get(delivery.subscription_id)?.sub;
		if (delivery.status === "succeeded") {
			// A steady stream of successes refreshes last_delivery_at about once a second, not once per delivery.
			if (cached?.last_delivery_status === "succeeded" && cached.consecutive_failures === 0 && Date.now() - Date.parse(cached.last_delivery_at ?? "") < SUBSCRIPTION_CACHE_MS) return;
			const updated = await subs.updateWhere({ id: delivery.subscription_id }, { $set: { last_delivery_at: now, last_delivery_status: "succeeded", consecutive_failures: 0 } });
			if (updated && cached) Object.assign(cached, { last_delivery_at: now, last_delivery_status: "succeeded", consecutive_failures: 0 });
			return;
		}
		this.forget(delivery.subscription_id);
		const sub = await subs.updateWhere(
			{ id: delivery.subscription_id },
			{ $set: { last_delivery_at: now, last_delivery_status: "failed" }, $inc: { consecutive_failures: 1 } }
		);
		if (sub && sub.enabled && sub.consecutive_failures >= MAX_CONSECUTIVE_FAILURES) {
			await subs.updateWhere({ id: sub.id, enabled: true }, { $set: { enabled: false, updated_at: now } });
			this.svc.log.forgetSubscriptions(delivery.org_id);
			this.svc.logger.warn({ subscription_id: sub.id, org_id: sub.org_id }, "Subscription disabled after repeated failed deliveries");
		}
		if (delivery.target_type === "webhook") {
			this.svc.broker.broadcast(WEBHOOK_FAILED, {
				org_id: delivery.org_id,
				subscription_id: delivery.subscription_id,
				delivery_id: delivery.id,
				event_id: delivery.event_id,
				attempts: delivery.attempts
			});
		}
	}
}
