import {
	entitySchema, enumOf, INTEGER, NULLABLE_STRING, NULLABLE_TIMESTAMP, nullable, NUMBER, objectSchema, STRING, STRINGS
} from "../../lib/openapi-schema";
import { slug } from "../../lib/validation";
import { round6 } from "../runtime/runs";

export const STEP_ID = "^[a-z0-9_-]{1,64}$";
export const MAX_STEPS = 50;
export const MAX_INPUT = 100_000;
export const DEFAULT_TEMPLATE = "{{input}}";

export type OnFailure = "fail" | "continue";
export type ExecutionStatus = "queued" | "running" | "completed" | "failed" | "cancelled";
export type StepStatus = "pending" | "running" | "completed" | "failed" | "skipped" | "cancelled";

export const EXECUTION_STATUSES: ExecutionStatus[] = ["queued", "running", "completed", "failed", "cancelled"];
export const STEP_STATUSES: StepStatus[] = ["pending", "running", "completed", "failed", "skipped", "cancelled"];
export const TERMINAL: ReadonlySet<ExecutionStatus> = new Set(["completed", "failed", "cancelled"]);
export const ACTIVE: ExecutionStatus[] = ["queued", "running"];
export const STEP_DONE: ReadonlySet<StepStatus> = new Set(["completed", "failed", "skipped", "cancelled"]);

export interface WorkflowStep {
	id: string;
	agent_id: string;
	input_template: string;
	depends_on: string[];
	on_failure: OnFailure;
	timeout_seconds: number | null;
}

export interface WorkflowDoc {
	id: string;
	org_id: string;
	name: string;
	description: string;
	steps: WorkflowStep[];
	version: number;
	/** Agents the steps use (internal: the `agent_id` filter and agent deletion). */
	agent_ids: string[];
	created_at: string;
	updated_at: string;
}

export interface ErrorInfo {
	code: string;
	message: string;
}

export interface StepState {
	step_id: string;
	status: StepStatus;
	run_id: string | null;
	output: string | null;
	error: ErrorInfo | null;
	started_at: string | null;
	completed_at: string | null;
}

export interface ExecutionDoc {
	id: string;
	org_id: string;
	workflow_id: string;
	workflow_version: number;
	status: ExecutionStatus;
	input: string;
	output: Record<string, string | null> | null;
	/** The journal: one state per step id (presented as `step_states` in definition order). */
	states: Record<string, StepState>;
	error: (ErrorInfo & { step_id: string | null }) | null;
	trigger: "api";
	tokens_input: number;
	tokens_output: number;
	cost_usd: number;
	started_at: string | null;
	completed_at: string | null;
	/** The steps of the version executed (internal: later edits of the workflow do not change a running execution). */
	definition: WorkflowStep[];
	created_by: string | null;
	/** Runtime node hosting the workflow-run actor and until when its lease holds (internal). */
	lease_owner: string | null;
	lease_expires_at: string | null;
	created_at: string;
	updated_at: string;
}

/** A step as stored: every default filled in. */
export function normalizeStep(raw: Record<string, any>): WorkflowStep {
	return {
		id: raw.id,
		agent_id: raw.agent_id,
		input_template: raw.input_template ?? DEFAULT_TEMPLATE,
		depends_on: raw.depends_on ?? [],
		on_failure: raw.on_failure ?? "fail",
		timeout_seconds: raw.timeout_seconds ?? null
	};
}

export const pendingState = (stepId: string): StepState => ({
	step_id: stepId,
	status: "pending",
	run_id: null,
	output: null,
	error: null,
	started_at: null,
	completed_at: null
});

export function presentState(state: StepState): StepState {
	return {
		step_id: state.step_id,
		status: state.status,
		run_id: state.run_id ?? null,
		output: state.output ?? null,
		error: state.error ?? null,
		started_at: state.started_at ?? null,
		completed_at: state.completed_at ?? null
	};
}

export function presentWorkflow(doc: WorkflowDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		description: doc.description,
		steps: doc.steps.map(normalizeStep),
		version: doc.version,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentExecution(doc: ExecutionDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		workflow_id: doc.workflow_id,
		workflow_version: doc.workflow_version,
		status: doc.status,
		input: doc.input,
		output: doc.output ?? null,
		step_states: doc.definition.map(step => presentState(doc.states[step.id] ?? pendingState(step.id))),
		error: doc.error ?? null,
		trigger: doc.trigger,
		tokens_input: doc.tokens_input,
		tokens_output: doc.tokens_output,
		cost_usd: round6(doc.cost_usd),
		started_at: doc.started_at,
		completed_at: doc.completed_at,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export type Execution = ReturnType<typeof presentExecution>;

// Request rules: patterns are strings so they survive the transporter and read as the contract writes them.

export const STEP_RULE = {
	type: "object",
	props: {
		id: { type: "string", pattern: STEP_ID },
		agent_id: { type: "string", min: 1, max: 64 },
		input_template: { type: "string", max: MAX_INPUT, optional: true },
		depends_on: { type: "array", items: { type: "string", min: 1, max: 64 }, max: MAX_STEPS, optional: true },
		on_failure: { type: "enum", values: ["fail", "continue"], optional: true },
		timeout_seconds: { type: "number", integer: true, min: 1, max: 3600, optional: true, nullable: true }
	}
};

export const STEPS_RULE = { type: "array", min: 1, max: MAX_STEPS, items: STEP_RULE };
export const NAME_RULE = slug();
export const DESCRIPTION_RULE = { type: "string", max: 2000, optional: true };

// OpenAPI entity schemas.

const ERROR_INFO = objectSchema({ code: STRING, message: STRING });

export const WORKFLOW_STEP_SCHEMA = objectSchema(
	{
		id: { type: "string", pattern: STEP_ID },
		agent_id: STRING,
		input_template: { type: "string", default: DEFAULT_TEMPLATE },
		depends_on: STRINGS,
		on_failure: { ...enumOf(["fail", "continue"]), default: "fail" },
		timeout_seconds: nullable("integer", { minimum: 1, maximum: 3600 })
	},
	{ required: ["id", "agent_id"] }
);

export const WORKFLOW_SCHEMA = entitySchema({
	name: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{1,62}$" },
	description: STRING,
	steps: { type: "array", minItems: 1, maxItems: MAX_STEPS, items: WORKFLOW_STEP_SCHEMA },
	version: INTEGER
});

export const STEP_STATE_SCHEMA = objectSchema({
	step_id: STRING,
	status: enumOf(STEP_STATUSES),
	run_id: NULLABLE_STRING,
	output: NULLABLE_STRING,
	error: { oneOf: [ERROR_INFO, { type: "null" }] },
	started_at: NULLABLE_TIMESTAMP,
	completed_at: NULLABLE_TIMESTAMP
});

export const EXECUTION_SCHEMA = entitySchema({
	workflow_id: STRING,
	workflow_version: INTEGER,
	status: enumOf(EXECUTION_STATUSES),
	input: { type: "string", maxLength: MAX_INPUT },
	output: nullable("object", { additionalProperties: NULLABLE_STRING }),
	step_states: { type: "array", items: STEP_STATE_SCHEMA },
	error: { oneOf: [objectSchema({ code: STRING, message: STRING, step_id: NULLABLE_STRING }), { type: "null" }] },
	trigger: enumOf(["api"]),
	tokens_input: INTEGER,
	tokens_output: INTEGER,
	cost_usd: NUMBER,
	started_at: NULLABLE_TIMESTAMP,
	completed_at: NULLABLE_TIMESTAMP
});

export const VALIDATION_RESULT_SCHEMA = objectSchema({
	valid: { type: "boolean" },
	errors: { type: "array", items: objectSchema({ field: STRING, message: STRING }) },
	levels: { type: "array", items: STRINGS }
});
