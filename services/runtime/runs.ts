import * as errors from "../../lib/errors";
import type { Filter } from "../../lib/store";
import { entitySchema, enumOf, INTEGER, nullable, NULLABLE_STRING, NULLABLE_TIMESTAMP, NUMBER, objectSchema, STRING, TIMESTAMP } from "../../lib/openapi-schema";
import { CREATED_RANGE_QUERY, query, withCreatedRange } from "../../lib/validation";

export type RunStatus = "queued" | "running" | "awaiting_approval" | "completed" | "failed" | "cancelled" | "blocked";
export type RunMode = "production" | "test";
export type Trigger = "api" | "schedule" | "event" | "chat" | "workflow" | "coordination" | "public";

/** Runs of a chat session: chat messages, and public chat through a publication (§19, §28). */
export const isChatRun = (run: { trigger: string; session_id?: string | null }): boolean => (run.trigger === "chat" || run.trigger === "public") && !!run.session_id;

export const TERMINAL: ReadonlySet<RunStatus> = new Set(["completed", "failed", "cancelled", "blocked"]);
export const ACTIVE_STATUSES: RunStatus[] = ["queued", "running", "awaiting_approval"];

export interface RunDoc {
	id: string;
	org_id: string;
	agent_id: string;
	agent_version: number;
	/** The caller pinned `agent_version` (retries keep it). */
	pinned_version: boolean;
	status: RunStatus;
	mode: RunMode;
	trigger: Trigger;
	trigger_ref: string | null;
	parent_run_id: string | null;
	replay_of: string | null;
	replay_tool_outputs: boolean;
	input: string;
	output: string | null;
	error: { code: string; message: string } | null;
	session_id: string | null;
	end_user_id: string | null;
	customer_id: string | null;
	metadata: Record<string, unknown>;
	model: string;
	tokens_input: number;
	tokens_output: number;
	cost_usd: number;
	savings_usd: number;
	latency_ms: number;
	max_cost_usd: number | null;
	ab_test_id: string | null;
	ab_variant: "a" | "b" | null;
	created_by: string | null;
	started_at: string | null;
	completed_at: string | null;
	/** Node executing the run and until when its lease holds (internal). */
	lease_owner: string | null;
	lease_expires_at: string | null;
	/** Parked for an approval that was granted: an actor may claim it again. */
	resumable?: boolean;
	/** When the run last left `running` for a human decision, and how long it has waited in total. */
	parked_at?: string;
	paused_ms?: number;
	created_at: string;
	updated_at: string;
}

export interface StepDoc {
	id: string;
	org_id: string;
	run_id: string;
	index: number;
	type: "llm_call" | "tool_call" | "policy_check" | "approval" | "memory" | "message" | "retrieval";
	name: string;
	status: "running" | "awaiting" | "completed" | "failed" | "denied" | "simulated";
	input: unknown;
	output: unknown;
	error: { code: string; message: string } | null;
	tokens_input: number;
	tokens_output: number;
	cost_usd: number;
	latency_ms: number;
	model: string | null;
	tool_id: string | null;
	approval_id: string | null;
	started_at: string;
	completed_at: string | null;
	created_at: string;
	updated_at: string;
}

const INTERNAL_RUN_FIELDS = ["lease_owner", "lease_expires_at", "pinned_version", "replay_tool_outputs", "resumable", "parked_at", "paused_ms"] as const;

export function presentRun(doc: RunDoc) {
	const out: Record<string, unknown> = { ...doc };
	for (const f of INTERNAL_RUN_FIELDS) delete out[f];
	return out;
}

export function presentStep(doc: StepDoc) {
	const { org_id: _org, ...step } = doc;
	return step;
}

const STEP_PAYLOAD_CAP = 64 * 1024;

/** Step input/output over 64 KiB become `{truncated, preview}` (§2). */
export function capPayload(value: unknown): unknown {
	if (value === undefined) return null;
	const json = JSON.stringify(value);
	if (json === undefined || json.length <= STEP_PAYLOAD_CAP) return value;
	return { truncated: true, preview: json.slice(0, STEP_PAYLOAD_CAP) };
}

/** Mode rules of acceptance (§2 rules 1–2): 409 AGENT_NOT_RUNNABLE when the agent cannot run this way. */
export function resolveMode(agentStatus: string, requested: RunMode | undefined): RunMode {
	if (agentStatus === "suspended" || agentStatus === "archived") {
		throw errors.conflict("AGENT_NOT_RUNNABLE", `The agent is ${agentStatus}: promote it to active to run it`, { status: agentStatus });
	}
	if (agentStatus === "draft") {
		if (requested !== "test") throw errors.conflict("AGENT_NOT_RUNNABLE", 'A draft agent runs only with "mode": "test"', { status: agentStatus });
		return "test";
	}
	if (agentStatus === "testing") {
		if (requested === "production") throw errors.conflict("AGENT_NOT_RUNNABLE", "A testing agent runs only in test mode: promote it to active first", { status: agentStatus });
		return "test";
	}
	return requested ?? "production";
}

/** Replays always run in test mode; suspended and archived agents still refuse. */
export function resolveReplayMode(status: string): RunMode {
	resolveMode(status, "test");
	return "test";
}

export const round6 = (n: number): number => Math.round((n + Number.EPSILON) * 1e6) / 1e6;

const ERROR_OBJECT = nullable("object", { properties: { code: STRING, message: STRING } });

export const RUN_SCHEMA = entitySchema({
	agent_id: STRING,
	agent_version: INTEGER,
	status: enumOf(["queued", "running", "awaiting_approval", "completed", "failed", "cancelled", "blocked"]),
	mode: enumOf(["production", "test"]),
	trigger: enumOf(["api", "schedule", "event", "chat", "workflow", "coordination", "public"]),
	trigger_ref: NULLABLE_STRING,
	parent_run_id: NULLABLE_STRING,
	replay_of: NULLABLE_STRING,
	input: STRING,
	output: NULLABLE_STRING,
	error: ERROR_OBJECT,
	session_id: NULLABLE_STRING,
	end_user_id: NULLABLE_STRING,
	customer_id: NULLABLE_STRING,
	metadata: { type: "object" },
	model: STRING,
	tokens_input: INTEGER,
	tokens_output: INTEGER,
	cost_usd: NUMBER,
	savings_usd: NUMBER,
	latency_ms: INTEGER,
	max_cost_usd: nullable("number"),
	ab_test_id: NULLABLE_STRING,
	ab_variant: enumOf(["a", "b", null]),
	created_by: NULLABLE_STRING,
	started_at: NULLABLE_TIMESTAMP,
	completed_at: NULLABLE_TIMESTAMP
});

export const STEP_SCHEMA = objectSchema({
	id: STRING,
	run_id: STRING,
	index: INTEGER,
	type: enumOf(["llm_call", "tool_call", "policy_check", "approval", "memory", "message", "retrieval"]),
	name: STRING,
	status: enumOf(["running", "awaiting", "completed", "failed", "denied", "simulated"]),
	input: { type: "object" },
	output: nullable("object"),
	error: ERROR_OBJECT,
	tokens_input: INTEGER,
	tokens_output: INTEGER,
	cost_usd: NUMBER,
	latency_ms: INTEGER,
	model: NULLABLE_STRING,
	tool_id: NULLABLE_STRING,
	approval_id: NULLABLE_STRING,
	started_at: TIMESTAMP,
	completed_at: NULLABLE_TIMESTAMP,
	created_at: TIMESTAMP,
	updated_at: TIMESTAMP
});

/** Filters of a run list (§2 row 2) except `agent_id`, which the agents module's view sets itself. */
export const RUN_QUERY = {
	status: query({ type: "enum", values: ["queued", "running", "awaiting_approval", "completed", "failed", "cancelled", "blocked"] }),
	trigger: query({ type: "enum", values: ["api", "schedule", "event", "chat", "workflow", "coordination", "public"] }),
	mode: query({ type: "enum", values: ["production", "test"] }),
	session_id: query({ type: "string", max: 128 }),
	end_user_id: query({ type: "string", max: 128 }),
	customer_id: query({ type: "string", max: 64 }),
	parent_run_id: query({ type: "string", max: 64 }),
	...CREATED_RANGE_QUERY
};

const EXACT_FILTERS = ["agent_id", "status", "trigger", "mode", "session_id", "end_user_id", "customer_id", "parent_run_id"];

export function runFilter(params: Record<string, any>): Filter {
	const filter: Filter = {};
	for (const key of EXACT_FILTERS) if (params[key] !== undefined) filter[key] = params[key];
	return withCreatedRange(filter, params);
}
