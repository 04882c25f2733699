import type { Collections } from "../../mixins/platform.mixin";
import { BOOLEAN, entitySchema, enumOf, NULLABLE_STRING, NULLABLE_TIMESTAMP, NUMBER, objectSchema, STRING, TIMESTAMP } from "../../lib/openapi-schema";
import { displayName } from "../../lib/validation";
import { fromMicros, round2, round6 } from "./money";
import { currentPeriod, PERIODS, type Period } from "./periods";

export const SCOPES = ["agent", "team", "org"] as const;
export const ACTIONS = ["block", "throttle", "alert_only"] as const;
export const ALERT_TYPES = ["threshold", "exceeded"] as const;

export type Scope = (typeof SCOPES)[number];
export type ExceedAction = (typeof ACTIONS)[number];
export type AlertType = (typeof ALERT_TYPES)[number];

export interface BudgetDoc {
	id: string;
	org_id: string;
	name: string;
	scope: Scope;
	agent_id: string | null;
	team: string | null;
	period: Period;
	limit_usd: number;
	alert_threshold: number;
	action_on_exceed: ExceedAction;
	throttle_model: string | null;
	throttle_concurrency: number;
	enabled: boolean;
	/** The period the counters below refer to ([period_start, period_end)); rolled forward when it has passed. */
	period_start: string;
	period_end: string;
	/** Counters in micro-dollars; committed = used + reserved, kept as one field so one conditional update can check it. */
	limit_micros: number;
	used_micros: number;
	reserved_micros: number;
	committed_micros: number;
	created_at: string;
	updated_at: string;
}

export interface AlertDoc {
	id: string;
	org_id: string;
	budget_id: string;
	budget_name: string;
	agent_id: string | null;
	type: AlertType;
	percentage_used: number;
	used_usd: number;
	limit_usd: number;
	message: string;
	period_start: string;
	acknowledged: boolean;
	acknowledged_at: string | null;
	acknowledged_by: string | null;
	created_at: string;
	updated_at: string;
}

/** Worst-case spend held for one LLM call until it settles or is released. */
export interface ReservationDoc {
	id: string;
	org_id: string;
	run_id: string | null;
	agent_id: string | null;
	team: string | null;
	amount_micros: number;
	/** Budgets whose `reserved_micros` hold this amount. */
	budget_ids: string[];
	/** `expired`: the sweeper gave the amount back; a late settle still counts the spend. */
	state: "held" | "expired";
	expires_at: string;
	created_at: string;
	updated_at: string;
}

/** One settled amount, kept so a budget whose period changes can recount its new current period. */
export interface SpendDoc {
	id: string;
	org_id: string;
	agent_id: string | null;
	team: string | null;
	amount_micros: number;
	settled_at: string;
	created_at: string;
	updated_at: string;
}

/** The budgets service's collections and their indexes. */
export const BUDGET_COLLECTIONS: Collections = {
	budgets: [{ fields: ["org_id", "name"], unique: true }, { fields: ["period_end"] }],
	budget_alerts: [{ fields: ["budget_id", "period_start", "type"], unique: true }],
	budget_reservations: [{ fields: ["state", "expires_at"] }],
	budget_spend: [{ fields: ["settled_at"] }]
};

/** The stored counters belong to a period that has ended (a reset is due). */
export const isStale = (doc: Pick<BudgetDoc, "period_end">, now: Date) => doc.period_end <= now.toISOString();

export function presentBudget(doc: BudgetDoc, now = new Date()) {
	const { start, end } = currentPeriod(doc.period, now);
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		scope: doc.scope,
		agent_id: doc.agent_id,
		team: doc.team,
		period: doc.period,
		limit_usd: doc.limit_usd,
		alert_threshold: doc.alert_threshold,
		action_on_exceed: doc.action_on_exceed,
		throttle_model: doc.throttle_model,
		throttle_concurrency: doc.throttle_concurrency,
		enabled: doc.enabled,
		current_period_start: start,
		resets_at: end,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

/** Figures of a budget whose counters refer to the current period (a stale one reads as reset). */
export function usageFigures(doc: BudgetDoc, now = new Date()) {
	const used = isStale(doc, now) ? 0 : doc.used_micros;
	const reserved = Math.max(0, doc.reserved_micros);
	return {
		used_usd: fromMicros(used),
		reserved_usd: fromMicros(reserved),
		remaining_usd: round6(Math.max(0, doc.limit_usd - fromMicros(used + reserved))),
		percentage_used: round2((fromMicros(used) / doc.limit_usd) * 100)
	};
}

export function presentUsage(doc: BudgetDoc, now = new Date()) {
	return {
		budget_id: doc.id,
		budget_name: doc.name,
		period: doc.period,
		limit_usd: doc.limit_usd,
		...usageFigures(doc, now),
		resets_at: currentPeriod(doc.period, now).end
	};
}

export function presentAlert(doc: AlertDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		budget_id: doc.budget_id,
		budget_name: doc.budget_name,
		agent_id: doc.agent_id,
		type: doc.type,
		percentage_used: doc.percentage_used,
		used_usd: doc.used_usd,
		limit_usd: doc.limit_usd,
		message: doc.message,
		period_start: doc.period_start,
		acknowledged: doc.acknowledged,
		acknowledged_at: doc.acknowledged_at,
		acknowledged_by: doc.acknowledged_by,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function alertMessage(doc: BudgetDoc, type: AlertType, usedUsd: number, percentage: number): string {
	return type === "exceeded"
		? `Budget "${doc.name}" has reached its ${doc.period} limit: ${usedUsd} of ${doc.limit_usd} USD used (${percentage}%)`
		: `Budget "${doc.name}" passed its alert threshold of ${round2(doc.alert_threshold * 100)}%: ${usedUsd} of ${doc.limit_usd} USD used (${percentage}%)`;
}

/** The key a throttling budget's runs share in the dispatcher. */
export const throttleKey = (doc: Pick<BudgetDoc, "scope" | "agent_id" | "team">) =>
	doc.scope === "org" ? "org" : doc.scope === "team" ? `team:${doc.team}` : `agent:${doc.agent_id}`;

// Request rules. Body values are never converted (§0.5).
export const BUDGET_FIELDS = {
	name: displayName({ optional: true }),
	period: { type: "enum", values: [...PERIODS], optional: true },
	limit_usd: { type: "number", positive: true, optional: true },
	alert_threshold: { type: "number", positive: true, max: 1, optional: true },
	action_on_exceed: { type: "enum", values: [...ACTIONS], optional: true },
	throttle_model: { type: "string", min: 1, max: 200, optional: true, nullable: true },
	throttle_concurrency: { type: "number", integer: true, min: 1, max: 100, optional: true },
	enabled: { type: "boolean", optional: true }
};

export const IMMUTABLE_FIELDS = {
	scope: { type: "enum", values: [...SCOPES], optional: true },
	agent_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
	team: displayName({ optional: true, nullable: true })
};

// OpenAPI schemas.
export const BUDGET_SCHEMA = entitySchema({
	name: STRING,
	scope: enumOf(SCOPES),
	agent_id: NULLABLE_STRING,
	team: NULLABLE_STRING,
	period: enumOf(PERIODS),
	limit_usd: { type: "number", exclusiveMinimum: 0 },
	alert_threshold: { type: "number", exclusiveMinimum: 0, maximum: 1 },
	action_on_exceed: enumOf(ACTIONS),
	throttle_model: NULLABLE_STRING,
	throttle_concurrency: { type: "integer", minimum: 1, maximum: 100 },
	enabled: BOOLEAN,
	current_period_start: TIMESTAMP,
	resets_at: TIMESTAMP
});

export const BUDGET_USAGE_SCHEMA = objectSchema({
	budget_id: STRING,
	budget_name: STRING,
	period: enumOf(PERIODS),
	limit_usd: NUMBER,
	used_usd: NUMBER,
	reserved_usd: NUMBER,
	remaining_usd: NUMBER,
	percentage_used: NUMBER,
	resets_at: TIMESTAMP
});

export const BUDGET_ALERT_SCHEMA = entitySchema({
	budget_id: STRING,
	budget_name: STRING,
	agent_id: NULLABLE_STRING,
	type: enumOf(ALERT_TYPES),
	percentage_used: NUMBER,
	used_usd: NUMBER,
	limit_usd: NUMBER,
	message: STRING,
	period_start: TIMESTAMP,
	acknowledged: BOOLEAN,
	acknowledged_at: NULLABLE_TIMESTAMP,
	acknowledged_by: NULLABLE_STRING
});
