import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { randomUrlSafe } from "../../lib/crypto";
import { exactFilters } from "../../lib/filters";
import { newId } from "../../lib/ids";
import { IDEMPOTENCY_INDEXES, withIdempotency, type IdempotencyDoc } from "../../lib/idempotency";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { defaultSettings, SettingsCache } from "../../lib/settings";
import type { Repository } from "../../lib/store";
import { CREATED_RANGE_QUERY, displayName, LIST_QUERY, listOptions, query, withBodyChecks, withCreatedRange } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { answerAsEventStream, RunHub, SseStream, type RunEvent } from "../runtime/stream";
import { encryptValue } from "../secrets/vault";
import { BUILTIN_TYPES, EVENT_CATALOGUE, isReservedType, patternMatches } from "./catalogue";
import { EventLog, type BusSeenDoc } from "./event-log";
import {
	CUSTOM_TYPE, DELIVERY_SCHEMA, DELIVERY_STATUSES, EVENT_SCHEMA, EVENT_SOURCES, EVENT_TYPE_SCHEMA, PAYLOAD_MAX_BYTES, presentDelivery, presentEvent,
	presentSubscription, secretContext, SUBSCRIPTION_RULES, SUBSCRIPTION_SCHEMA, TARGET_TYPES, targetProblems, TYPE_PATTERN,
	type DeliveryDoc, type EventDoc, type PresentedEvent, type SubscriptionDoc
} from "./model";
import { Outbox } from "./outbox";
import { Sender } from "./sender";

export interface EventsThis extends PlatformThis {
	repos: {
		events: Repository<EventDoc>;
		subscriptions: Repository<SubscriptionDoc>;
		event_deliveries: Repository<DeliveryDoc>;
		bus_seen: Repository<BusSeenDoc>;
		event_idempotency: Repository<IdempotencyDoc>;
	};
	log: EventLog;
	outbox: Outbox;
	sender: Sender;
	hub: RunHub;
	settingsCache: SettingsCache;
	sweepTimer: NodeJS.Timeout | null;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; idempotencyKey?: string; $statusCode?: number; $responseType?: string; $responseHeaders?: Record<string, string> }>;

const SWEEP_MS = 30_000;
const ID_QUERY = query({ type: "string", max: 64 });

const sealSecret = (self: EventsThis, orgId: string, subscriptionId: string, secret: string) => encryptValue(secret, self.platform.masterKey, secretContext(orgId, subscriptionId));

/** Every catalogue type is a bus event this service stores (§0.16). */
const platformHandlers = Object.fromEntries(
	BUILTIN_TYPES.map(type => [
		type,
		function (this: EventsThis, ctx: Context<Record<string, unknown>>) {
			return this.log.recordPlatformEvent(type, ctx.params).catch((err: unknown) => this.logger.error({ err, event_type: type }, "Could not store a platform event"));
		}
	])
);

const EventsService: Schema<EventsThis> = {
	name: "events",
	mixins: [
		StoreMixin({
			// Low-cardinality single-field indexes make every NeDB update slow: compound or sparse ones instead.
			events: [{ fields: ["org_id", "created_at"] }, { fields: ["event_type"] }, { fields: ["run_id"], sparse: true }, { fields: ["agent_id"], sparse: true }, { fields: ["fanout_since"], sparse: true }],
			subscriptions: [{ fields: ["org_id", "event_type"] }, { fields: ["agent_id"], sparse: true }],
			event_deliveries: [{ fields: ["event_id", "subscription_id"], unique: true }, { fields: ["subscription_id", "created_at"] }, { fields: ["run_id"], sparse: true }, { fields: ["next_attempt_at"], sparse: true }],
			bus_seen: [{ fields: ["seen_at"] }],
			event_idempotency: IDEMPOTENCY_INDEXES
		})
	],
	settings: { rest: "/events" },
	dependencies: ["admin"],
	metadata: { schemas: { Event: EVENT_SCHEMA, Subscription: SUBSCRIPTION_SCHEMA, Delivery: DELIVERY_SCHEMA, EventType: EVENT_TYPE_SCHEMA } },

	actions: {
		createSubscription: {
			rest: "POST /subscriptions",
			access: ["events:write"],
			audit: { action: "subscription.create" },
			openapi: { summary: "Subscribe an agent or a webhook to event types", status: 201, response: "Subscription" },
			params: {
				event_type: withBodyChecks({ type: "string", pattern: TYPE_PATTERN }, body => targetProblems(body.target_type ?? "agent", body)),
				target_type: { type: "enum", values: [...TARGET_TYPES], optional: true },
				...SUBSCRIPTION_RULES,
				name: displayName({ optional: true, nullable: true })
			},
			async handler(this: EventsThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const target = p.target_type ?? "agent";
				if (target === "agent") await this.requireAgent(ctx, orgId, p.agent_id);
				const id = newId("sub");
				const generated = target === "webhook" && p.secret === undefined ? `whsec_${randomUrlSafe(32)}` : null;
				const secret = target === "webhook" ? (p.secret ?? generated) : null;
				const doc = await this.repos.subscriptions.forOrg(orgId).insert({
					id,
					name: p.name ?? null,
					event_type: p.event_type,
					target_type: target,
					...(target === "agent" ? { agent_id: p.agent_id } : {}),
					input_template: target === "agent" ? p.input_template : null,
					url: target === "webhook" ? p.url : null,
					secret_ciphertext: secret ? sealSecret(this, orgId, id, secret) : null,
					enabled: p.enabled ?? true,
					last_delivery_at: null,
					last_delivery_status: null,
					consecutive_failures: 0
				});
				this.log.forgetSubscriptions(orgId);
				// The generated secret is shown once, here (§0.5).
				return generated ? { ...presentSubscription(doc), secret: generated } : presentSubscription(doc);
			}
		},

		listSubscriptions: {
			rest: "GET /subscriptions",
			access: ["events:read"],
			openapi: { summary: "List subscriptions", response: "List:Subscription" },
			params: {
				...LIST_QUERY,
				event_type: query({ type: "string", max: 100 }),
				agent_id: ID_QUERY,
				target_type: query({ type: "enum", values: [...TARGET_TYPES] }),
				enabled: query({ type: "boolean" })
			},
			async handler(this: EventsThis, ctx: Ctx) {
				const filter = exactFilters(ctx.params, ["event_type", "agent_id", "target_type", "enabled"]);
				const page = await this.repos.subscriptions.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentSubscription) };
			}
		},

		getSubscription: {
			rest: "GET /subscriptions/:subscription_id",
			access: ["events:read"],
			openapi: { summary: "Get a subscription", response: "Subscription" },
			params: { subscription_id: "string" },
			async handler(this: EventsThis, ctx: Ctx) {
				return presentSubscription(await this.requireSubscription(ctx, ctx.params.subscription_id));
			}
		},

		updateSubscription: {
			rest: "PUT /subscriptions/:subscription_id",
			access: ["events:write"],
			audit: { action: "subscription.update" },
			openapi: { summary: "Change a subscription (partial update)", response: "Subscription" },
			params: {
				subscription_id: "string",
				event_type: { type: "string", pattern: TYPE_PATTERN, optional: true },
				target_type: { type: "any", optional: true },
				...SUBSCRIPTION_RULES,
				name: displayName({ optional: true, nullable: true })
			},
			async handler(this: EventsThis, ctx: Ctx) {
				const p = ctx.params;
				const sub = await this.requireSubscription(ctx, p.subscription_id);
				const merged = {
					agent_id: p.agent_id !== undefined ? p.agent_id : sub.agent_id,
					input_template: p.input_template !== undefined ? p.input_template : sub.input_template,
					url: p.url !== undefined ? p.url : sub.url,
					secret: p.secret
				};
				const problems = targetProblems(sub.target_type, merged).filter(pr => (p as any)[pr.field] !== undefined);
				if (p.target_type !== undefined && p.target_type !== sub.target_type) problems.unshift({ field: "target_type", message: "is immutable: delete the subscription and create another" });
				if (problems.length) throw errors.validation(problems);
				if (sub.target_type === "agent" && p.agent_id !== undefined && p.agent_id !== sub.agent_id) await this.requireAgent(ctx, sub.org_id, p.agent_id);
				const set: Partial<SubscriptionDoc> = {};
				for (const field of ["name", "event_type", "agent_id", "input_template", "url", "enabled"] as const) if (p[field] !== undefined) (set as any)[field] = p[field];
				if (p.secret !== undefined) set.secret_ciphertext = sealSecret(this, sub.org_id, sub.id, p.secret);
				// Enabling again (e.g. after 50 failures in a row) starts the failure count afresh.
				if (p.enabled === true && !sub.enabled) set.consecutive_failures = 0;
				const updated = (await this.repos.subscriptions.forOrg(sub.org_id).update(sub.id, set)) as SubscriptionDoc;
				this.log.forgetSubscriptions(sub.org_id);
				this.sender.forget(sub.id);
				return presentSubscription(updated);
			}
		},

		deleteSubscription: {
			rest: "DELETE /subscriptions/:subscription_id",
			access: ["events:write"],
			audit: { action: "subscription.delete" },
			openapi: { summary: "Delete a subscription and its deliveries", status: 204 },
			params: { subscription_id: "string" },
			async handler(this: EventsThis, ctx: Ctx) {
				const sub = await this.requireSubscription(ctx, ctx.params.subscription_id);
				await this.repos.subscriptions.forOrg(sub.org_id).delete(sub.id);
				this.log.forgetSubscriptions(sub.org_id);
				await this.repos.event_deliveries.forOrg(sub.org_id).deleteMany({ subscription_id: sub.id });
				this.sender.forget(sub.id);
				return null;
			}
		},

		listDeliveries: {
			rest: "GET /subscriptions/:subscription_id/deliveries",
			access: ["events:read"],
			openapi: { summary: "Deliveries of a subscription (the outbox and its outcomes)", response: "List:Delivery" },
			params: { subscription_id: "string", ...LIST_QUERY, status: query({ type: "enum", values: [...DELIVERY_STATUSES] }), event_id: ID_QUERY },
			async handler(this: EventsThis, ctx: Ctx) {
				const sub = await this.requireSubscription(ctx, ctx.params.subscription_id);
				const filter = { subscription_id: sub.id, ...exactFilters(ctx.params, ["status", "event_id"]) };
				const page = await this.repos.event_deliveries.forOrg(sub.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentDelivery) };
			}
		},

		emit: {
			rest: "POST /emit",
			access: ["events:write"],
			audit: { action: "event.emit" },
			openapi: { summary: "Emit a custom event (stored with its deliveries before the answer)", status: 201, response: "Event" },
			params: {
				event_type: withBodyChecks({ type: "string", pattern: CUSTOM_TYPE }, body =>
					typeof body.event_type === "string" && isReservedType(body.event_type) ? [{ field: "event_type", message: "is a built-in event type or uses a built-in prefix" }] : []
				),
				payload: { type: "object", optional: true }
			},
			handler(this: EventsThis, ctx: Ctx) {
				return withIdempotency(this.repos.event_idempotency, ctx, async () => {
					const payload = ctx.params.payload ?? {};
					if (Buffer.byteLength(JSON.stringify(payload), "utf8") > PAYLOAD_MAX_BYTES) throw errors.payloadTooLarge(PAYLOAD_MAX_BYTES);
					const event = await this.log.record({ orgId: ctx.meta.principal.org_id, type: ctx.params.event_type, source: "custom", payload, depth: 0 });
					ctx.meta.$statusCode = 201;
					return presentEvent(event);
				});
			}
		},

		listEvents: {
			rest: "GET /",
			access: ["events:read"],
			openapi: { summary: "The org's event log", response: "List:Event" },
			params: {
				...LIST_QUERY,
				event_type: query({ type: "string", max: 100 }),
				source: query({ type: "enum", values: [...EVENT_SOURCES] }),
				agent_id: ID_QUERY,
				run_id: ID_QUERY,
				...CREATED_RANGE_QUERY
			},
			async handler(this: EventsThis, ctx: Ctx) {
				const filter = withCreatedRange(exactFilters(ctx.params, ["event_type", "source", "agent_id", "run_id"]), ctx.params);
				const page = await this.repos.events.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentEvent) };
			}
		},

		listTypes: {
			rest: "GET /types",
			access: ["events:read"],
			openapi: { summary: "The catalogue of built-in event types", response: "List:EventType" },
			// A fixed catalogue in its own order (by module, as §9 lists it): paged, not sorted.
			params: { limit: LIST_QUERY.limit, offset: LIST_QUERY.offset },
			handler(this: EventsThis, ctx: Ctx) {
				const { limit, offset } = listOptions(ctx.params);
				return { items: EVENT_CATALOGUE.slice(offset, offset + limit), total: EVENT_CATALOGUE.length, limit, offset };
			}
		},

		stream: {
			rest: "GET /stream",
			access: ["events:read"],
			openapi: { summary: "Live events of the org (SSE)", produces: "text/event-stream" },
			params: { event_type: query({ type: "string", pattern: TYPE_PATTERN }) },
			handler(this: EventsThis, ctx: Ctx) {
				const pattern: string = ctx.params.event_type ?? "*";
				answerAsEventStream(ctx.meta);
				const sse = new SseStream();
				const unsubscribe = this.hub.subscribe(ctx.meta.principal.org_id, (e: RunEvent) => {
					if (patternMatches(pattern, (e.data as PresentedEvent).event_type)) sse.send("event", e.data);
				});
				sse.whenClosed(unsubscribe);
				// The stream is live only: a first comment sends the headers now, not at the first event.
				sse.body.write(": keep-alive\n\n");
				return sse.body;
			}
		},

		getEvent: {
			rest: "GET /:event_id",
			access: ["events:read"],
			openapi: { summary: "Get an event", response: "Event" },
			params: { event_id: "string" },
			async handler(this: EventsThis, ctx: Ctx) {
				const event = await this.repos.events.forOrg(ctx.meta.principal.org_id).get(ctx.params.event_id);
				if (!event) throw errors.notFound("Event");
				return presentEvent(event);
			}
		},

		// Internal actions for other services.

		/** The agent is being deleted: its agent-target subscriptions and their deliveries go with it. */
		purgeAgent: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string" },
			async handler(this: EventsThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const { org_id, agent_id } = ctx.params;
				const subs = await this.repos.subscriptions.forOrg(org_id).find({ agent_id, target_type: "agent" });
				if (subs.length) await this.repos.event_deliveries.forOrg(org_id).deleteMany({ subscription_id: { $in: subs.map(s => s.id) } });
				const deleted = await this.repos.subscriptions.forOrg(org_id).deleteMany({ agent_id, target_type: "agent" });
				this.log.forgetSubscriptions(org_id);
				return { deleted };
			}
		}
	},

	events: {
		...platformHandlers,
		/** An event stored by any node of the cluster: live streams of this node show it. */
		"events.stored": {
			group: "events-live",
			handler(this: EventsThis, ctx: Context<{ event: PresentedEvent }>) {
				this.hub.publish(ctx.params.event.org_id, { event: "event", data: ctx.params.event });
			}
		},
		"settings.changed"(this: EventsThis, ctx: Context<any>) {
			this.settingsCache.set(ctx.params);
		}
	},

	methods: {
		async requireSubscription(this: EventsThis, ctx: Ctx, id: string): Promise<SubscriptionDoc> {
			const sub = await this.repos.subscriptions.forOrg(ctx.meta.principal.org_id).get(id);
			if (!sub) throw errors.notFound("Subscription");
			return sub;
		},

		async requireAgent(this: EventsThis, ctx: Ctx, orgId: string, agentId: string) {
			const exists = await callIfPresent(this.broker, "agents.exists", { org_id: orgId, agent_id: agentId }, false, ctx);
			if (!exists) throw errors.referenceNotFound("agent_id", "Agent");
		}
	},

	created(this: EventsThis) {
		this.hub = new RunHub();
		this.sweepTimer = null;
		this.settingsCache = new SettingsCache(() => this.broker.call("admin.currentSettings"), () => defaultSettings(this.config));
	},

	async started(this: EventsThis) {
		const sender = (this.sender = new Sender(this));
		this.log = new EventLog(this, () => this.outbox.kick());
		this.outbox = new Outbox({
			deliveries: this.repos.event_deliveries,
			nodeId: this.broker.nodeID,
			retryBaseMs: this.config.webhookRetryBaseMs,
			send: (delivery, reclaimed) => sender.send(delivery, reclaimed),
			settled: delivery => sender.settled(delivery),
			onError: (err, deliveryId) => this.logger.error({ err, delivery_id: deliveryId }, "Delivery attempt failed unexpectedly")
		});
		await this.outbox.releaseOwnClaims();
		await this.log.finishFanOuts();
		this.outbox.start();
		this.sweepTimer = setInterval(() => this.log.sweep().catch((err: unknown) => this.logger.warn({ err }, "Event sweep failed")), SWEEP_MS);
		this.sweepTimer.unref();
	},

	async stopped(this: EventsThis) {
		if (this.sweepTimer) clearInterval(this.sweepTimer);
		await this.outbox?.stop();
	}
};

export default EventsService;
