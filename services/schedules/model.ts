import type { FieldProblem } from "../../lib/errors";
import { BOOLEAN, entitySchema, enumOf, INTEGER, nullable, NULLABLE_STRING, NULLABLE_TIMESTAMP, STRING } from "../../lib/openapi-schema";
import { cronProblem, isTimezone } from "./cron";
import type { Timing } from "./timing";

export const RUN_STATUSES = ["queued", "running", "awaiting_approval", "completed", "failed", "cancelled", "blocked"] as const;
export const TERMINAL_RUN_STATUSES: readonly string[] = ["completed", "failed", "cancelled", "blocked"];
export const LAST_STATUSES = [...RUN_STATUSES, "skipped"] as const;
export type LastStatus = (typeof LAST_STATUSES)[number];

export const MIN_INTERVAL_SECONDS = 10;
export const MAX_INTERVAL_SECONDS = 31_536_000;

export interface ScheduleDoc extends Timing {
	id: string;
	org_id: string;
	agent_id: string;
	name: string;
	description: string;
	input: string;
	enabled: boolean;
	next_run_at: string | null;
	last_run_at: string | null;
	last_status: LastStatus | null;
	last_run_id: string | null;
	run_count: number;
	created_at: string;
	updated_at: string;
}

/** What a scheduler needs to arm a schedule's next tick. */
export type ArmedSchedule = Pick<ScheduleDoc, "id" | "org_id" | "next_run_at" | "cron_expression" | "interval_seconds" | "timezone">;

export const armedOf = (doc: ScheduleDoc): ArmedSchedule | null =>
	doc.enabled && doc.next_run_at
		? { id: doc.id, org_id: doc.org_id, next_run_at: doc.next_run_at, cron_expression: doc.cron_expression, interval_seconds: doc.interval_seconds, timezone: doc.timezone }
		: null;

export function presentSchedule(doc: ScheduleDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		agent_id: doc.agent_id,
		name: doc.name,
		description: doc.description ?? "",
		cron_expression: doc.cron_expression ?? null,
		interval_seconds: doc.interval_seconds ?? null,
		timezone: doc.timezone,
		input: doc.input ?? "",
		enabled: doc.enabled,
		next_run_at: doc.enabled ? (doc.next_run_at ?? null) : null,
		last_run_at: doc.last_run_at ?? null,
		last_status: doc.last_status ?? null,
		last_run_id: doc.last_run_id ?? null,
		run_count: doc.run_count ?? 0,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

/** §7: exactly one of `cron_expression` and `interval_seconds` is set. */
export function timingKindProblems(cron: unknown, interval: unknown): FieldProblem[] {
	const hasCron = cron != null;
	const hasInterval = interval != null;
	if (hasCron && hasInterval) {
		const message = "exactly one of cron_expression and interval_seconds may be set: send null for the other";
		return [{ field: "cron_expression", message }, { field: "interval_seconds", message }];
	}
	if (!hasCron && !hasInterval) {
		const message = "one of cron_expression and interval_seconds is required";
		return [{ field: "cron_expression", message }, { field: "interval_seconds", message }];
	}
	return [];
}

type Rule = Record<string, any>;
type Custom = (value: unknown, errors: any[], schema: unknown, path: string, parent: unknown, context: { data?: Record<string, any> }) => unknown;

/** `rule` whose value (when present) must pass `problem`. */
const checked = (rule: Rule, problem: (value: unknown) => string | null): Rule => ({
	...rule,
	custom: ((value, errors) => {
		const message = value == null ? null : problem(value);
		if (message) errors.push({ type: "bodyCheck", message });
		return value;
	}) as Custom
});

/**
 * `rule` that also checks "exactly one of cron_expression and interval_seconds" on the whole body,
 * so those problems are reported with every other one. Put it on `cron_expression`: the validator
 * runs its custom check even when the field is absent.
 */
export function withTimingKindCheck(rule: Rule): Rule {
	const own = rule.custom as Custom | undefined;
	return {
		...rule,
		custom: ((value, errors, schema, path, parent, context) => {
			const out = own ? own(value, errors, schema, path, parent, context) : value;
			const body = context?.data ?? {};
			for (const p of timingKindProblems(body.cron_expression, body.interval_seconds)) errors.push({ type: "bodyCheck", field: p.field, message: p.message });
			return out;
		}) as Custom
	};
}

export const CRON_RULE = checked({ type: "string", max: 200, optional: true, nullable: true }, cronProblem);
export const INTERVAL_RULE = { type: "number", integer: true, min: MIN_INTERVAL_SECONDS, max: MAX_INTERVAL_SECONDS, optional: true, nullable: true };
export const TIMEZONE_RULE = checked({ type: "string", min: 1, optional: true }, zone =>
	isTimezone(zone) ? null : "must be an IANA time zone name such as UTC or Europe/Berlin"
);
export const INPUT_RULE = { type: "string", max: 100_000, optional: true };
export const DESCRIPTION_RULE = { type: "string", max: 2000, optional: true };
export const AGENT_ID_RULE = { type: "string", min: 1, max: 64 };

export const SCHEDULE_SCHEMA = entitySchema({
	agent_id: STRING,
	name: { type: "string", minLength: 1, maxLength: 100 },
	description: STRING,
	cron_expression: NULLABLE_STRING,
	interval_seconds: nullable("integer", { minimum: MIN_INTERVAL_SECONDS, maximum: MAX_INTERVAL_SECONDS }),
	timezone: STRING,
	input: { type: "string", maxLength: 100_000 },
	enabled: BOOLEAN,
	next_run_at: NULLABLE_TIMESTAMP,
	last_run_at: NULLABLE_TIMESTAMP,
	last_status: { ...enumOf([...LAST_STATUSES, null]), type: ["string", "null"] },
	last_run_id: NULLABLE_STRING,
	run_count: INTEGER
});

export const PREVIEW_SCHEMA = { type: "object", properties: { next_run_times: { type: "array", items: { type: "string", format: "date-time" } } } };
