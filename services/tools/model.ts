export const TOOL_TYPES = ["rest_api", "function", "database", "search", "mcp"] as const;
export const CREATABLE_TYPES = ["rest_api", "function", "database", "search"];
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
export const SAFETY_LEVELS = ["safe", "moderate", "dangerous"];
export const FUNCTIONS = ["echo", "current_time", "calculator"];
export const INVOCATION_STATUSES = ["success", "error", "denied", "simulated", "rate_limited", "replayed"];
export const TOOL_NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
export const DEFAULT_INPUT_SCHEMA = { type: "object", properties: {} };

export type ToolType = (typeof TOOL_TYPES)[number];
export type InvocationStatus = "success" | "error" | "denied" | "simulated" | "rate_limited" | "replayed";

export interface RateLimit {
	max_calls: number;
	period: "minute" | "hour";
}

export interface ToolDoc {
	id: string;
	org_id: string;
	name: string;
	description: string;
	type: ToolType;
	endpoint: string | null;
	method: string;
	headers: Record<string, string>;
	config: Record<string, any>;
	input_schema: Record<string, any>;
	safety_level: "safe" | "moderate" | "dangerous";
	rate_limit: RateLimit | null;
	timeout_seconds: number;
	available: boolean;
	/** Stored state: `closed` or `open`; `half_open` is derived once the open period has passed. */
	circuit_state: "closed" | "open";
	circuit_opened_at: number | null;
	circuit_failures: number;
	circuit_window_start: number | null;
	/** When the current half-open trial call started (claimed by one caller at a time). */
	circuit_trial_at: number | null;
	created_by: string | null;
	created_at: string;
	updated_at: string;
}

export interface ToolError {
	code: string;
	message: string;
}

export interface InvocationDoc {
	id: string;
	org_id: string;
	tool_id: string;
	tool_name: string;
	run_id: string | null;
	agent_id: string | null;
	step_id: string | null;
	source: "run" | "test";
	input: unknown;
	output: unknown;
	status: InvocationStatus;
	error: ToolError | null;
	latency_ms: number;
	created_at: string;
	updated_at: string;
}

export const CIRCUIT_OPEN_MS = 30_000;
export const CIRCUIT_WINDOW_MS = 60_000;
export const CIRCUIT_THRESHOLD = 5;

export function circuitStateOf(tool: Pick<ToolDoc, "circuit_state" | "circuit_opened_at">, now = Date.now()): "closed" | "open" | "half_open" {
	if (tool.circuit_state !== "open") return "closed";
	return now - (tool.circuit_opened_at ?? 0) >= CIRCUIT_OPEN_MS ? "half_open" : "open";
}

export function presentTool(doc: ToolDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		description: doc.description,
		type: doc.type,
		endpoint: doc.endpoint ?? null,
		method: doc.method,
		headers: doc.headers ?? {},
		config: doc.config ?? {},
		input_schema: doc.input_schema,
		safety_level: doc.safety_level,
		rate_limit: doc.rate_limit ?? null,
		timeout_seconds: doc.timeout_seconds,
		available: doc.available,
		circuit_state: circuitStateOf(doc),
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentInvocation(doc: InvocationDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		tool_id: doc.tool_id,
		tool_name: doc.tool_name,
		run_id: doc.run_id,
		agent_id: doc.agent_id,
		step_id: doc.step_id,
		source: doc.source,
		input: doc.input,
		output: doc.output ?? null,
		status: doc.status,
		error: doc.error ?? null,
		latency_ms: doc.latency_ms,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

const ts = { type: "string", format: "date-time" };
const nullableString = { type: ["string", "null"] };
const errorObject = {
	type: ["object", "null"],
	properties: { code: { type: "string" }, message: { type: "string" } }
};

export const TOOL_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: "string" },
		name: { type: "string", pattern: TOOL_NAME },
		description: { type: "string" },
		type: { enum: [...TOOL_TYPES] },
		endpoint: { type: ["string", "null"], format: "uri" },
		method: { enum: HTTP_METHODS },
		headers: { type: "object", additionalProperties: { type: "string" } },
		config: { type: "object" },
		input_schema: { type: "object" },
		safety_level: { enum: SAFETY_LEVELS },
		rate_limit: {
			type: ["object", "null"],
			properties: { max_calls: { type: "integer", minimum: 1 }, period: { enum: ["minute", "hour"] } }
		},
		timeout_seconds: { type: "integer", minimum: 1, maximum: 300 },
		available: { type: "boolean" },
		circuit_state: { enum: ["closed", "open", "half_open"] },
		created_at: ts,
		updated_at: ts
	}
};

export const INVOCATION_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: "string" },
		tool_id: { type: "string" },
		tool_name: { type: "string" },
		run_id: nullableString,
		agent_id: nullableString,
		step_id: nullableString,
		source: { enum: ["run", "test"] },
		input: {},
		output: {},
		status: { enum: INVOCATION_STATUSES },
		error: errorObject,
		latency_ms: { type: "integer" },
		created_at: ts,
		updated_at: ts
	}
};

export const TOOL_TEST_RESULT_SCHEMA = {
	type: "object",
	properties: {
		invocation_id: { type: "string" },
		status: { enum: INVOCATION_STATUSES },
		output: {},
		error: errorObject,
		latency_ms: { type: "integer" }
	}
};
