import * as errors from "../../lib/errors";
import type { FieldProblem } from "../../lib/errors";
import { checkInputSchema } from "./json-schema";
import { DEFAULT_INPUT_SCHEMA, FUNCTIONS, type ToolDoc } from "./model";

/** The writable fields of a Tool as they arrive in a create or update body (already type-checked by the params rules). */
export interface ToolFields {
	name?: string;
	description?: string;
	type?: string;
	endpoint?: string | null;
	method?: string;
	headers?: Record<string, string>;
	config?: Record<string, any>;
	input_schema?: Record<string, any>;
	safety_level?: string;
	rate_limit?: { max_calls: number; period: string } | null;
	timeout_seconds?: number;
}

/** Fields an `mcp` tool lets a client change (§3 row 4); the rest belong to discovery. */
const MCP_EDITABLE = new Set(["description", "safety_level", "rate_limit", "timeout_seconds"]);
const WRITABLE = ["name", "description", "endpoint", "method", "headers", "config", "input_schema", "safety_level", "rate_limit", "timeout_seconds"] as const;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v);

/** An absolute http(s) URL; `{param}` and `{{secrets.NAME}}` placeholders are allowed anywhere. */
export function endpointProblem(endpoint: string): string | null {
	const probe = endpoint.replace(/\{\{[^{}]*\}\}/g, "x").replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, "x");
	let url: URL;
	try {
		url = new URL(probe);
	} catch {
		return "must be an absolute http(s) URL";
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an absolute http(s) URL";
	if (!url.hostname) return "must name a host";
	return null;
}

function headerProblems(headers: Record<string, string>): FieldProblem[] {
	const problems: FieldProblem[] = [];
	for (const [name, value] of Object.entries(headers)) {
		if (!HEADER_NAME.test(name)) problems.push({ field: `headers.${name}`, message: "is not a valid header name" });
		else if (/[\r\n\0]/.test(value)) problems.push({ field: `headers.${name}`, message: "must not contain line breaks" });
	}
	return problems;
}

/** The stored `config` of a tool of this type (known keys only, defaults filled), plus its problems. */
export function normalizeConfig(type: string, config: Record<string, any>): { config: Record<string, any>; problems: FieldProblem[] } {
	const problems: FieldProblem[] = [];
	const problem = (key: string, message: string) => problems.push({ field: `config.${key}`, message });
	const intIn = (key: string, min: number, max: number, fallback: number): number => {
		const v = config[key];
		if (v === undefined) return fallback;
		if (!Number.isInteger(v) || v < min || v > max) problem(key, `must be an integer from ${min} to ${max}`);
		return v;
	};
	switch (type) {
		case "function": {
			if (config.function === undefined) problem("function", "is required");
			else if (!FUNCTIONS.includes(config.function)) problem("function", `must be one of: ${FUNCTIONS.join(", ")}`);
			return { config: { function: config.function }, problems };
		}
		case "database": {
			const driver = config.driver;
			if (driver === undefined) problem("driver", "is required");
			else if (driver !== "postgres" && driver !== "mongodb") problem("driver", "must be one of: postgres, mongodb");
			if (typeof config.connection !== "string" || !config.connection.trim()) problem("connection", "is required: a connection string or {{secrets.NAME}}");
			else if (config.connection.length > 4000) problem("connection", "must be at most 4000 characters long");
			if (driver === "mongodb") {
				if (config.query !== undefined && typeof config.query !== "string" && !isObject(config.query)) problem("query", "must be a filter object or its JSON text");
				if (typeof config.collection !== "string" || !config.collection) problem("collection", "is required for mongodb");
			} else if (typeof config.query !== "string" || !config.query.trim()) {
				problem("query", "is required: SQL with :name parameters");
			}
			if (typeof config.query === "string" && config.query.length > 100_000) problem("query", "must be at most 100000 characters long");
			const out: Record<string, any> = { driver, connection: config.connection, query: config.query ?? (driver === "mongodb" ? {} : undefined), max_rows: intIn("max_rows", 1, 10_000, 100) };
			if (driver === "mongodb") out.collection = config.collection;
			return { config: out, problems };
		}
		case "search": {
			const ids = config.collection_ids ?? [];
			if (!Array.isArray(ids) || ids.some(id => typeof id !== "string" || !id)) problem("collection_ids", "must be an array of collection ids");
			else if (ids.length > 20) problem("collection_ids", "must contain at most 20 items");
			return { config: { collection_ids: Array.isArray(ids) ? [...new Set(ids)] : [], limit: intIn("limit", 1, 50, 5) }, problems };
		}
		default:
			return { config: { ...config }, problems };
	}
}

/** A new tool's stored fields from a create body; throws 400 with every problem found. */
export function buildTool(p: ToolFields): Omit<ToolDoc, "id" | "org_id" | "created_at" | "updated_at" | "created_by"> {
	const type = p.type as string;
	const problems: FieldProblem[] = [];
	if (type === "rest_api" && (p.endpoint === undefined || p.endpoint === null)) problems.push({ field: "endpoint", message: "is required for rest_api tools" });
	if (typeof p.endpoint === "string") {
		const problem = endpointProblem(p.endpoint);
		if (problem) problems.push({ field: "endpoint", message: problem });
	}
	if (p.headers) problems.push(...headerProblems(p.headers));
	const inputSchema = p.input_schema ?? DEFAULT_INPUT_SCHEMA;
	problems.push(...checkInputSchema(inputSchema));
	const { config, problems: configProblems } = normalizeConfig(type, p.config ?? {});
	problems.push(...configProblems);
	if (problems.length) throw errors.validation(problems);
	return {
		name: p.name as string,
		description: p.description as string,
		type: type as ToolDoc["type"],
		endpoint: p.endpoint ?? null,
		method: p.method ?? "GET",
		headers: p.headers ?? {},
		config,
		input_schema: inputSchema,
		safety_level: (p.safety_level ?? "moderate") as ToolDoc["safety_level"],
		rate_limit: (p.rate_limit ?? null) as ToolDoc["rate_limit"],
		timeout_seconds: p.timeout_seconds ?? 30,
		available: true,
		circuit_state: "closed",
		circuit_opened_at: null,
		circuit_failures: 0,
		circuit_window_start: null,
		circuit_trial_at: null
	};
}

/** The `$set` of a partial update (§0.6); throws 400 with every problem found. */
export function buildUpdate(tool: ToolDoc, p: ToolFields): Partial<ToolDoc> {
	const problems: FieldProblem[] = [];
	if (p.type !== undefined && p.type !== tool.type) problems.push({ field: "type", message: "is immutable: create a new tool instead" });
	const set: Record<string, any> = {};
	for (const key of WRITABLE) {
		if (p[key] === undefined) continue;
		if (tool.type === "mcp" && !MCP_EDITABLE.has(key)) {
			if (JSON.stringify(p[key]) !== JSON.stringify((tool as any)[key])) problems.push({ field: key, message: "is set by MCP discovery and cannot be changed" });
			continue;
		}
		set[key] = p[key];
	}
	if (set.endpoint !== undefined) {
		if (set.endpoint === null && tool.type === "rest_api") problems.push({ field: "endpoint", message: "is required for rest_api tools" });
		else if (typeof set.endpoint === "string") {
			const problem = endpointProblem(set.endpoint);
			if (problem) problems.push({ field: "endpoint", message: problem });
		}
	}
	if (set.headers) problems.push(...headerProblems(set.headers));
	if (set.input_schema !== undefined) problems.push(...checkInputSchema(set.input_schema));
	if (set.config !== undefined) {
		const normalized = normalizeConfig(tool.type, set.config);
		problems.push(...normalized.problems);
		set.config = normalized.config;
	}
	if (problems.length) throw errors.validation(problems);
	return set;
}
