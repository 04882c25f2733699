import { callIfPresent } from "../../lib/calls";
import { FluxError } from "../../lib/errors";
import { outboundPolicy } from "../../lib/outbound";
import { nowIso } from "../../lib/time";
import { decryptValue } from "../secrets/vault";
import { WEBHOOK_FAILED } from "./catalogue";
import type { EventsThis } from "./events.service";
import { MAX_CONSECUTIVE_FAILURES, presentEvent, type DeliveryDoc, type EventDoc, type SubscriptionDoc } from "./model";
import type { SendResult } from "./outbox";
import { renderTemplate } from "./template";
import { postWebhook } from "./webhook";

const final = (code: string, message: string, runId: string | null = null): SendResult => ({ ok: false, statusCode: null, error: { code, message }, retryable: false, runId });

/** Makes the attempts of claimed deliveries: a signed webhook POST, or a run of the subscribed agent. */
export class Sender {
	constructor(private readonly svc: EventsThis) {}

	async send(delivery: DeliveryDoc, reclaimed: boolean): Promise<SendResult> {
		const { repos } = this.svc;
		const [sub, event] = await Promise.all([
			repos.subscriptions.forOrg(delivery.org_id).get(delivery.subscription_id),
			repos.events.forOrg(delivery.org_id).get(delivery.event_id)
		]);
		if (!sub) return final("SUBSCRIPTION_DELETED", "The subscription was deleted");
		if (!event) return final("EVENT_EXPIRED", "The event is no longer in the event log");
		return sub.target_type === "webhook" ? this.sendWebhook(delivery, sub, event) : this.startRun(delivery, sub, event, reclaimed);
	}

	private async sendWebhook(delivery: DeliveryDoc, sub: SubscriptionDoc, event: EventDoc): Promise<SendResult> {
		const secret = decryptValue(sub.secret_ciphertext as string, this.svc.platform.masterKey, `${sub.org_id}:${sub.id}`);
		const settings = await this.svc.settingsCache.get();
		const body = JSON.stringify({ id: delivery.id, event: presentEvent(event) });
		return postWebhook(
			{ url: sub.url as string, secret, deliveryId: delivery.id, eventType: event.event_type, body },
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
			});
			return { ok: true, statusCode: null, error: null, retryable: false, runId: run.id };
		} catch (err: any) {
			if (err instanceof FluxError || (typeof err?.code === "number" && err.code < 500)) {
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
		if (delivery.status === "succeeded") {
			await subs.updateWhere({ id: delivery.subscription_id }, { $set: { last_delivery_at: now, last_delivery_status: "succeeded", consecutive_failures: 0 } });
			return;
		}
		const sub = await subs.updateWhere(
			{ id: delivery.subscription_id },
			{ $set: { last_delivery_at: now, last_delivery_status: "failed" }, $inc: { consecutive_failures: 1 } }
		);
		if (sub && sub.enabled && sub.consecutive_failures >= MAX_CONSECUTIVE_FAILURES) {
			await subs.updateWhere({ id: sub.id, enabled: true }, { $set: { enabled: false, updated_at: now } });
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
