import { BOOLEAN, entitySchema, enumOf, INTEGER, NULLABLE_STRING, NULLABLE_TIMESTAMP, nullable, NUMBER, objectSchema, STRING, TIMESTAMP } from "../../lib/openapi-schema";
import { displayName, email, metadata } from "../../lib/validation";
import { fromMicros } from "../budgets/money";
import type { LineItem, PlanTerms } from "./invoicing";
import { monthOf } from "./periods";

export const CUSTOMER_STATUSES = ["active", "suspended"] as const;
export const INVOICE_STATUSES = ["draft", "issued", "paid"] as const;

export interface PlanDoc extends PlanTerms {
	id: string;
	org_id: string;
	name: string;
	description: string;
	active: boolean;
	created_at: string;
	updated_at: string;
}

export interface CustomerDoc {
	id: string;
	org_id: string;
	external_id: string;
	name: string;
	email: string | null;
	plan_id: string;
	status: (typeof CUSTOMER_STATUSES)[number];
	metadata: Record<string, unknown>;
	created_at: string;
	updated_at: string;
}

/** One terminal run of a customer, metered once (its id is the run's id). */
export interface MeteredRunDoc {
	id: string;
	org_id: string;
	customer_id: string;
	period: string;
	tokens_input: number;
	tokens_output: number;
	llm_cost_micros: number;
	created_at: string;
	updated_at: string;
}

/** Sums of a customer's metered runs in one period, kept as runs end so acceptance checks read one document. */
export interface UsageTotalsDoc {
	id: string;
	org_id: string;
	customer_id: string;
	period: string;
	runs: number;
	tokens_input: number;
	tokens_output: number;
	llm_cost_micros: number;
	created_at: string;
	updated_at: string;
}

export interface InvoiceDoc {
	id: string;
	org_id: string;
	customer_id: string;
	number: string;
	period: string;
	period_start: string;
	period_end: string;
	status: (typeof INVOICE_STATUSES)[number];
	/** Frozen when issued; a draft's lines are computed live from the plan and the usage. */
	line_items: LineItem[] | null;
	subtotal_usd: number | null;
	issued_at: string | null;
	paid_at: string | null;
	created_at: string;
	updated_at: string;
}

export interface Counter {
	id: string;
	org_id: string;
	value: number;
	created_at: string;
	updated_at: string;
}

const USD = { type: "number", min: 0 };
const QUOTA = { type: "number", integer: true, min: 0, nullable: true };

/** Writable Plan fields; `optional` for updates. */
export function planRules(optional: boolean) {
	const o = (rule: Record<string, unknown>) => ({ ...rule, optional: true });
	return {
		name: displayName(optional ? { optional: true } : {}),
		description: o({ type: "string", max: 2000 }),
		base_fee_usd: o(USD),
		included_runs: o(QUOTA),
		included_tokens: o(QUOTA),
		price_per_run_usd: o(USD),
		price_per_1k_tokens_usd: o(USD),
		llm_cost_multiplier: o(USD),
		hard_limit: o({ type: "boolean" }),
		active: o({ type: "boolean" })
	};
}

export function customerRules(optional: boolean) {
	return {
		name: displayName(optional ? { optional: true } : {}),
		email: email({ optional: true, nullable: true }),
		plan_id: { type: "string", min: 1, max: 64, optional },
		status: { type: "enum", values: [...CUSTOMER_STATUSES], optional: true },
		metadata: metadata({ optional: true })
	};
}

export function presentPlan(doc: PlanDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		description: doc.description,
		base_fee_usd: doc.base_fee_usd,
		included_runs: doc.included_runs,
		included_tokens: doc.included_tokens,
		price_per_run_usd: doc.price_per_run_usd,
		price_per_1k_tokens_usd: doc.price_per_1k_tokens_usd,
		llm_cost_multiplier: doc.llm_cost_multiplier,
		hard_limit: doc.hard_limit,
		active: doc.active,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentCustomer(doc: CustomerDoc, now = new Date()) {
	const month = monthOf(now);
	return {
		id: doc.id,
		org_id: doc.org_id,
		external_id: doc.external_id,
		name: doc.name,
		email: doc.email,
		plan_id: doc.plan_id,
		status: doc.status,
		metadata: doc.metadata,
		current_period_start: month.start,
		current_period_end: month.end,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

/** An invoice; a draft carries the lines and totals computed now (`live`). */
export function presentInvoice(doc: InvoiceDoc, live?: { line_items: LineItem[]; subtotal_usd: number }) {
	const lines = live?.line_items ?? doc.line_items ?? [];
	const subtotal = live?.subtotal_usd ?? doc.subtotal_usd ?? 0;
	return {
		id: doc.id,
		org_id: doc.org_id,
		customer_id: doc.customer_id,
		number: doc.number,
		period_start: doc.period_start,
		period_end: doc.period_end,
		status: doc.status,
		currency: "USD",
		line_items: lines,
		subtotal_usd: subtotal,
		total_usd: subtotal,
		issued_at: doc.issued_at,
		paid_at: doc.paid_at,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export const usageOf = (doc: UsageTotalsDoc | null) =>
	doc ? { runs: doc.runs, tokens_input: doc.tokens_input, tokens_output: doc.tokens_output, llm_cost_micros: doc.llm_cost_micros } : null;

export const llmCostUsd = (micros: number) => fromMicros(micros);

const USAGE_FIELDS = {
	customer_id: STRING,
	period_start: TIMESTAMP,
	period_end: TIMESTAMP,
	runs: INTEGER,
	tokens_input: INTEGER,
	tokens_output: INTEGER,
	llm_cost_usd: NUMBER,
	included_runs: nullable("integer"),
	included_tokens: nullable("integer"),
	overage_runs: INTEGER,
	overage_tokens: INTEGER,
	amount_due_usd: NUMBER,
	hard_limit_reached: BOOLEAN
};

export const BILLING_SCHEMAS = {
	Plan: entitySchema({
		name: STRING,
		description: STRING,
		base_fee_usd: NUMBER,
		included_runs: nullable("integer"),
		included_tokens: nullable("integer"),
		price_per_run_usd: NUMBER,
		price_per_1k_tokens_usd: NUMBER,
		llm_cost_multiplier: NUMBER,
		hard_limit: BOOLEAN,
		active: BOOLEAN
	}),
	Customer: entitySchema({
		external_id: STRING,
		name: STRING,
		email: NULLABLE_STRING,
		plan_id: STRING,
		status: enumOf(CUSTOMER_STATUSES),
		metadata: { type: "object" },
		current_period_start: TIMESTAMP,
		current_period_end: TIMESTAMP
	}),
	Usage: objectSchema(USAGE_FIELDS),
	UsageReport: objectSchema({
		period_start: TIMESTAMP,
		period_end: TIMESTAMP,
		totals: objectSchema({ runs: INTEGER, tokens_input: INTEGER, tokens_output: INTEGER, llm_cost_usd: NUMBER, amount_due_usd: NUMBER }),
		items: { type: "array", items: objectSchema(USAGE_FIELDS) }
	}),
	Invoice: entitySchema({
		customer_id: STRING,
		number: STRING,
		period_start: TIMESTAMP,
		period_end: TIMESTAMP,
		status: enumOf(INVOICE_STATUSES),
		currency: STRING,
		line_items: { type: "array", items: objectSchema({ description: STRING, quantity: NUMBER, unit_price_usd: NUMBER, amount_usd: NUMBER }) },
		subtotal_usd: NUMBER,
		total_usd: NUMBER,
		issued_at: NULLABLE_TIMESTAMP,
		paid_at: NULLABLE_TIMESTAMP
	})
};
