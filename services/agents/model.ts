import { displayName, metadata, slug } from "../../lib/validation";

export const AGENT_STATUSES = ["draft", "testing", "active", "suspended", "archived"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const VERSION_SOURCES = ["create", "update", "tools", "knowledge", "rollback", "ab_test_winner"] as const;
export type VersionSource = (typeof VERSION_SOURCES)[number];

export const HISTORY_KINDS = ["transition", "rollback", "ab_test_started", "ab_test_completed", "ab_test_rolled_back"] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** The agent's configuration (§1 "versioned" fields): every change of one of them is a new version. */
export const VERSIONED_FIELDS = [
	"description",
	"model",
	"system_prompt",
	"tools",
	"temperature",
	"max_tokens",
	"max_steps",
	"timeout_seconds",
	"memory_enabled",
	"knowledge_collection_ids",
	"prompt_id",
	"prompt_version",
	"prompt_variables",
	"max_cost_usd_per_run"
] as const;
export type VersionedField = (typeof VERSIONED_FIELDS)[number];

export const WRITABLE_FIELDS = ["name", ...VERSIONED_FIELDS, "tags", "team", "metadata"] as const;

export const MAX_TOOLS = 50;
export const MAX_COLLECTIONS = 20;
const TAG = "^[a-z0-9][a-z0-9_-]{0,31}$";

export interface AgentConfig {
	description: string;
	model: string;
	system_prompt: string;
	tools: string[];
	temperature: number;
	max_tokens: number;
	max_steps: number;
	timeout_seconds: number;
	memory_enabled: boolean;
	knowledge_collection_ids: string[];
	prompt_id: string | null;
	prompt_version: number | null;
	prompt_variables: Record<string, unknown>;
	max_cost_usd_per_run: number | null;
}

export interface AgentDoc extends AgentConfig {
	id: string;
	org_id: string;
	name: string;
	tags: string[];
	team: string | null;
	status: AgentStatus;
	version: number;
	metadata: Record<string, unknown>;
	created_by: string | null;
	last_transition_at: string | null;
	created_at: string;
	updated_at: string;
}

export interface VersionDoc {
	id: string;
	org_id: string;
	agent_id: string;
	version: number;
	config: AgentConfig;
	changed_fields: string[];
	source: VersionSource;
	created_by: string | null;
	created_at: string;
	updated_at: string;
}

export interface HistoryDoc {
	id: string;
	org_id: string;
	agent_id: string;
	kind: HistoryKind;
	from_state: AgentStatus | null;
	to_state: AgentStatus | null;
	version: number | null;
	ab_test_id: string | null;
	reason: string | null;
	actor_id: string | null;
	/** Orders entries written within the same millisecond. */
	seq: number;
	created_at: string;
	updated_at: string;
}

export const DEFAULT_CONFIG: Omit<AgentConfig, "model"> = {
	description: "",
	system_prompt: "",
	tools: [],
	temperature: 0.7,
	max_tokens: 1024,
	max_steps: 10,
	timeout_seconds: 300,
	memory_enabled: true,
	knowledge_collection_ids: [],
	prompt_id: null,
	prompt_version: null,
	prompt_variables: {},
	max_cost_usd_per_run: null
};

/** The values without duplicates, first occurrences in order. */
export const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** String ids: duplicates dropped (order kept), then at most `max`. */
const idList = (max: number) => ({
	type: "array",
	optional: true,
	items: { type: "string", min: 1, max: 64 },
	custom: (value: unknown, errors: any[]) => {
		if (!Array.isArray(value)) return value;
		const deduped = unique(value as string[]);
		if (deduped.length > max) errors.push({ type: "arrayMax", expected: max, actual: deduped.length });
		return deduped;
	}
});

/** Validation rules of the writable fields; `model` and `name` are required on create only. */
export function agentFieldRules(create: boolean) {
	return {
		name: slug({ optional: !create }),
		description: { type: "string", max: 2000, optional: true },
		model: { type: "string", min: 1, max: 200, optional: !create },
		system_prompt: { type: "string", max: 100000, optional: true },
		tools: idList(MAX_TOOLS),
		tags: { type: "array", items: { type: "string", pattern: TAG }, max: 20, optional: true },
		team: displayName({ optional: true, nullable: true }),
		temperature: { type: "number", min: 0, max: 2, optional: true },
		max_tokens: { type: "number", integer: true, min: 1, max: 128000, optional: true },
		max_steps: { type: "number", integer: true, min: 1, max: 50, optional: true },
		timeout_seconds: { type: "number", integer: true, min: 10, max: 3600, optional: true },
		memory_enabled: { type: "boolean", optional: true },
		knowledge_collection_ids: idList(MAX_COLLECTIONS),
		prompt_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
		prompt_version: { type: "number", integer: true, min: 1, optional: true, nullable: true },
		prompt_variables: { type: "object", optional: true },
		max_cost_usd_per_run: { type: "number", positive: true, optional: true, nullable: true },
		metadata: metadata({ optional: true })
	};
}

export function configOf(doc: AgentConfig): AgentConfig {
	const config = {} as Record<string, unknown>;
	for (const field of VERSIONED_FIELDS) config[field] = doc[field];
	return config as unknown as AgentConfig;
}

export function presentAgent(doc: AgentDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		description: doc.description,
		model: doc.model,
		system_prompt: doc.system_prompt,
		tools: doc.tools,
		tags: doc.tags,
		team: doc.team,
		status: doc.status,
		version: doc.version,
		temperature: doc.temperature,
		max_tokens: doc.max_tokens,
		max_steps: doc.max_steps,
		timeout_seconds: doc.timeout_seconds,
		memory_enabled: doc.memory_enabled,
		knowledge_collection_ids: doc.knowledge_collection_ids,
		prompt_id: doc.prompt_id,
		prompt_version: doc.prompt_version,
		prompt_variables: doc.prompt_variables,
		max_cost_usd_per_run: doc.max_cost_usd_per_run,
		metadata: doc.metadata,
		created_by: doc.created_by,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}
export type Agent = ReturnType<typeof presentAgent>;

export function presentVersion(doc: VersionDoc) {
	const { id, org_id, agent_id, version, config, changed_fields, source, created_by, created_at, updated_at } = doc;
	return { id, org_id, agent_id, version, config, changed_fields, source, created_by, created_at, updated_at };
}

export function presentHistory(doc: HistoryDoc) {
	const { id, org_id, agent_id, kind, from_state, to_state, version, ab_test_id, reason, actor_id, created_at, updated_at } = doc;
	return { id, org_id, agent_id, kind, from_state, to_state, version, ab_test_id, reason, actor_id, created_at, updated_at };
}

const str = { type: "string" };
const nullable = (type: string | string[]) => ({ type: Array.isArray(type) ? [...type, "null"] : [type, "null"] });
const CONFIG_PROPERTIES = {
	description: str,
	model: str,
	system_prompt: str,
	tools: { type: "array", items: str },
	temperature: { type: "number" },
	max_tokens: { type: "integer" },
	max_steps: { type: "integer" },
	timeout_seconds: { type: "integer" },
	memory_enabled: { type: "boolean" },
	knowledge_collection_ids: { type: "array", items: str },
	prompt_id: nullable("string"),
	prompt_version: nullable("integer"),
	prompt_variables: { type: "object" },
	max_cost_usd_per_run: nullable("number")
};
const TIMESTAMPS = { created_at: { type: "string", format: "date-time" }, updated_at: { type: "string", format: "date-time" } };

export const AGENT_SCHEMA = {
	type: "object",
	properties: {
		id: str,
		org_id: str,
		name: str,
		...CONFIG_PROPERTIES,
		tags: { type: "array", items: str },
		team: nullable("string"),
		status: { enum: [...AGENT_STATUSES] },
		version: { type: "integer" },
		metadata: { type: "object" },
		created_by: nullable("string"),
		...TIMESTAMPS
	}
};

export const AGENT_VERSION_SCHEMA = {
	type: "object",
	properties: {
		id: str,
		org_id: str,
		agent_id: str,
		version: { type: "integer" },
		config: { type: "object", properties: CONFIG_PROPERTIES },
		changed_fields: { type: "array", items: str },
		source: { enum: [...VERSION_SOURCES] },
		created_by: nullable("string"),
		...TIMESTAMPS
	}
};

export const HISTORY_ENTRY_SCHEMA = {
	type: "object",
	properties: {
		id: str,
		org_id: str,
		agent_id: str,
		kind: { enum: [...HISTORY_KINDS] },
		from_state: { enum: [...AGENT_STATUSES, null] },
		to_state: { enum: [...AGENT_STATUSES, null] },
		version: nullable("integer"),
		ab_test_id: nullable("string"),
		reason: nullable("string"),
		actor_id: nullable("string"),
		...TIMESTAMPS
	}
};

export const AGENT_COSTS_SCHEMA = {
	type: "object",
	properties: {
		agent_id: str,
		granularity: { enum: ["day", "month"] },
		start: { type: "string", format: "date-time" },
		end: { type: "string", format: "date-time" },
		total_cost_usd: { type: "number" },
		items: {
			type: "array",
			items: {
				type: "object",
				properties: {
					period_start: { type: "string", format: "date-time" },
					cost_usd: { type: "number" },
					runs: { type: "integer" },
					tokens_input: { type: "integer" },
					tokens_output: { type: "integer" }
				}
			}
		}
	}
};
