import type { FieldProblem } from "../../lib/errors";
import { BOOLEAN, entitySchema, enumOf, INTEGER, NULLABLE_STRING, NULLABLE_TIMESTAMP, nullable, objectSchema, STRING, STRINGS } from "../../lib/openapi-schema";

export const EVENT_SOURCES = ["platform", "custom"] as const;
export const TARGET_TYPES = ["agent", "webhook"] as const;
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;

/** A custom event type (§9 row 7). */
export const CUSTOM_TYPE = "^[a-z][a-z0-9_.-]{0,99}$";
/** A subscription's type: an exact type, a `prefix.*` wildcard or `*`. */
export const TYPE_PATTERN = "^(\\*|[a-z][a-z0-9_.-]{0,99}|[a-z][a-z0-9_.-]{0,97}\\.\\*)$";
export const PAYLOAD_MAX_BYTES = 256 * 1024;
export const TEMPLATE_MAX = 20_000;
/** Events at this depth or deeper are stored but trigger nothing (loop guard). */
export const MAX_DEPTH = 5;
/** Disable a subscription after this many failed deliveries in a row. */
export const MAX_CONSECUTIVE_FAILURES = 50;

export type TargetType = (typeof TARGET_TYPES)[number];
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface EventDoc {
	id: string;
	org_id: string;
	event_type: string;
	source: (typeof EVENT_SOURCES)[number];
	payload: Record<string, unknown>;
	// Absent rather than null, like the fields below: sparse indexes stay cheap to update (NeDB).
	agent_id?: string;
	run_id?: string;
	depth: number;
	matched_subscriptions: number;
	/** Set while the deliveries of the matched subscriptions are being written; recovery finishes what a crash left. */
	fanout_since?: string;
	fanout_pending?: string[];
	created_at: string;
	updated_at: string;
}

export interface SubscriptionDoc {
	id: string;
	org_id: string;
	name: string | null;
	event_type: string;
	target_type: TargetType;
	/** Absent for webhook targets (sparse index). */
	agent_id?: string;
	input_template: string | null;
	url: string | null;
	/** AES-256-GCM of the webhook secret (see secrets/vault.ts); null for agent targets. */
	secret_ciphertext: string | null;
	enabled: boolean;
	last_delivery_at: string | null;
	last_delivery_status: "succeeded" | "failed" | null;
	consecutive_failures: number;
	created_at: string;
	updated_at: string;
}

export interface DeliveryError {
	code: string;
	message: string;
}

export interface AttemptRecord {
	attempt: number;
	/** The node that made the attempt. */
	node_id: string;
	at: string;
	status_code: number | null;
	error: DeliveryError | null;
	duration_ms: number;
}

export interface DeliveryDoc {
	id: string;
	org_id: string;
	subscription_id: string;
	event_id: string;
	event_type: string;
	target_type: TargetType;
	/** Depth of the event: what a run it starts causes is one deeper (loop guard). */
	event_depth: number;
	status: DeliveryStatus;
	attempts: number;
	run_id?: string;
	last_status_code: number | null;
	last_error: DeliveryError | null;
	/** Only while pending. */
	next_attempt_at?: string;
	/** The node holding the current attempt, until `claim_expires_at` (a crashed node's claim lapses). */
	claimed_by: string | null;
	claim_expires_at: string | null;
	/** Which claim (one batch of one node) holds the current attempt. */
	claim_token?: string;
	/** Every attempt: the delivery log. */
	attempt_log: AttemptRecord[];
	created_at: string;
	updated_at: string;
}

export function presentEvent(doc: EventDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		event_type: doc.event_type,
		source: doc.source,
		payload: doc.payload,
		agent_id: doc.agent_id ?? null,
		run_id: doc.run_id ?? null,
		depth: doc.depth,
		matched_subscriptions: doc.matched_subscriptions,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export type PresentedEvent = ReturnType<typeof presentEvent>;

export function presentSubscription(doc: SubscriptionDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name ?? null,
		event_type: doc.event_type,
		target_type: doc.target_type,
		agent_id: doc.agent_id ?? null,
		input_template: doc.input_template ?? null,
		url: doc.url ?? null,
		has_secret: !!doc.secret_ciphertext,
		enabled: doc.enabled,
		last_delivery_at: doc.last_delivery_at ?? null,
		last_delivery_status: doc.last_delivery_status ?? null,
		consecutive_failures: doc.consecutive_failures ?? 0,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentDelivery(doc: DeliveryDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		subscription_id: doc.subscription_id,
		event_id: doc.event_id,
		event_type: doc.event_type,
		status: doc.status,
		attempts: doc.attempts,
		run_id: doc.run_id ?? null,
		last_status_code: doc.last_status_code ?? null,
		last_error: doc.last_error ?? null,
		next_attempt_at: doc.status === "pending" ? (doc.next_attempt_at ?? null) : null,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

const isHttpUrl = (value: unknown): boolean => {
	if (typeof value !== "string") return false;
	try {
		const url = new URL(value);
		return (url.protocol === "http:" || url.protocol === "https:") && !!url.hostname;
	} catch {
		return false;
	}
};

const given = (v: unknown) => v !== undefined && v !== null;

/** Target fields that must be present or absent for the target type (§9 Subscription table). */
export function targetProblems(target: string, s: { agent_id?: unknown; input_template?: unknown; url?: unknown; secret?: unknown }): FieldProblem[] {
	const problems: FieldProblem[] = [];
	if (target === "agent") {
		if (!given(s.agent_id)) problems.push({ field: "agent_id", message: "is required for agent targets" });
		if (!given(s.input_template)) problems.push({ field: "input_template", message: "is required for agent targets" });
		if (given(s.url)) problems.push({ field: "url", message: "must be null or absent for agent targets" });
		if (given(s.secret)) problems.push({ field: "secret", message: "is only for webhook targets" });
	} else if (target === "webhook") {
		if (!given(s.url)) problems.push({ field: "url", message: "is required for webhook targets" });
		else if (typeof s.url === "string" && !isHttpUrl(s.url)) problems.push({ field: "url", message: "must be an absolute http(s) URL" });
		if (given(s.agent_id)) problems.push({ field: "agent_id", message: "must be null or absent for webhook targets" });
		if (given(s.input_template)) problems.push({ field: "input_template", message: "must be null or absent for webhook targets" });
	}
	return problems;
}

/** A webhook secret is encrypted bound to its subscription, so a copied ciphertext opens nowhere else. */
export const secretContext = (orgId: string, subscriptionId: string) => `${orgId}:${subscriptionId}`;

/** Fields of create and update; `name` (display name) and `event_type` are added by each action. */
export const SUBSCRIPTION_RULES = {
	agent_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
	input_template: { type: "string", min: 1, max: TEMPLATE_MAX, optional: true, nullable: true },
	url: { type: "string", min: 1, max: 2048, optional: true, nullable: true },
	secret: { type: "string", min: 16, max: 128, optional: true },
	enabled: { type: "boolean", optional: true }
};

const ERROR_SCHEMA = nullable("object", { properties: { code: STRING, message: STRING } });

export const EVENT_SCHEMA = entitySchema({
	event_type: STRING,
	source: enumOf(EVENT_SOURCES),
	payload: { type: "object" },
	agent_id: NULLABLE_STRING,
	run_id: NULLABLE_STRING,
	depth: INTEGER,
	matched_subscriptions: INTEGER
});

export const SUBSCRIPTION_SCHEMA = entitySchema({
	name: NULLABLE_STRING,
	event_type: { type: "string", pattern: TYPE_PATTERN },
	target_type: enumOf(TARGET_TYPES),
	agent_id: NULLABLE_STRING,
	input_template: nullable("string", { maxLength: TEMPLATE_MAX }),
	url: nullable("string", { format: "uri" }),
	secret: { type: "string", description: "Only in the 201 body, and only when the server generated it" },
	has_secret: BOOLEAN,
	enabled: BOOLEAN,
	last_delivery_at: NULLABLE_TIMESTAMP,
	last_delivery_status: enumOf(["succeeded", "failed", null]),
	consecutive_failures: INTEGER
});

export const DELIVERY_SCHEMA = entitySchema({
	subscription_id: STRING,
	event_id: STRING,
	event_type: STRING,
	status: enumOf(DELIVERY_STATUSES),
	attempts: INTEGER,
	run_id: NULLABLE_STRING,
	last_status_code: nullable("integer"),
	last_error: ERROR_SCHEMA,
	next_attempt_at: NULLABLE_TIMESTAMP
});

export const EVENT_TYPE_SCHEMA = objectSchema({ event_type: STRING, module: STRING, description: STRING, payload_fields: STRINGS });
