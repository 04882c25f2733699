import type { Context } from "moleculer";
import type { Principal } from "../../lib/principal";
import { SettingsCache } from "../../lib/settings";
import type { Repository } from "../../lib/store";
import type { PlatformThis } from "../../mixins/platform.mixin";
import { ToolRateLimiter } from "./limits";
import { HTTP_METHODS, SAFETY_LEVELS, TOOL_NAME, type InvocationDoc, type InvocationStatus, type ToolDoc, type ToolError } from "./model";

// The tools service's shape (its `this` and context), the call context of a run's tool call, and the rules its files share.
export interface ToolsThis extends PlatformThis {
	repos: { tools: Repository<ToolDoc>; tool_invocations: Repository<InvocationDoc> };
	limiter: ToolRateLimiter;
	settingsCache: SettingsCache;
	[k: string]: any;
}

export type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

/** What `tools.invoke`, `tools.recordSimulated` and the test endpoint answer. */
export interface InvocationResult {
	invocation_id: string | null;
	status: InvocationStatus;
	output: unknown;
	error: ToolError | null;
	latency_ms: number;
}

export interface CallContext {
	org_id: string;
	run_id: string | null;
	agent_id: string | null;
	step_id: string | null;
	end_user_id: string | null;
	source: "run" | "test";
}

export const CALLS_METRIC = "fluxgate.tool.calls.total";

/** Parameters of the internal actions that log a call made during a run. */
export const runCallParams = () => ({
	org_id: "string",
	tool_id: "string",
	input: { type: "any", optional: true },
	run_id: { type: "string", optional: true, nullable: true },
	agent_id: { type: "string", optional: true, nullable: true },
	step_id: { type: "string", optional: true, nullable: true }
});

export const runCall = (p: Record<string, any>): CallContext => ({
	org_id: p.org_id,
	run_id: p.run_id ?? null,
	agent_id: p.agent_id ?? null,
	step_id: p.step_id ?? null,
	end_user_id: p.end_user_id ?? null,
	source: "run"
});

export const writable = (optional: boolean) => ({
	name: { type: "string", pattern: TOOL_NAME, optional },
	description: { type: "string", min: 1, max: 2000, optional },
	endpoint: { type: "string", max: 2048, optional: true, nullable: true },
	method: { type: "enum", values: HTTP_METHODS, optional: true },
	headers: { type: "record", key: { type: "string", min: 1, max: 256 }, value: { type: "string", max: 8192 }, optional: true },
	config: { type: "object", optional: true },
	input_schema: { type: "object", optional: true },
	safety_level: { type: "enum", values: SAFETY_LEVELS, optional: true },
	rate_limit: {
		type: "object",
		optional: true,
		nullable: true,
		props: { max_calls: { type: "number", integer: true, min: 1, max: 1_000_000 }, period: { type: "enum", values: ["minute", "hour"] } }
	},
	timeout_seconds: { type: "number", integer: true, min: 1, max: 300, optional: true }
});

export const pickRateLimit = (r: any) => (r ? { max_calls: r.max_calls, period: r.period } : r);
