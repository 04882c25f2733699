import type { Context } from "moleculer";
import { registerMetric } from "../../lib/metrics";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { FluxError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { outboundPolicy } from "../../lib/outbound";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { defaultSettings, SettingsCache, type Settings } from "../../lib/settings";
import type { Repository } from "../../lib/store";
import { writeUnique } from "../../lib/store";
import { CREATED_RANGE_QUERY, LIST_QUERY, listOptions, query, substringFilter, withCreatedRange } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { CircuitBreaker } from "./circuit";
import { executeTool, type ExecuteEnv } from "./execute";
import { buildTool, buildUpdate } from "./fields";
import { validateInput } from "./json-schema";
import { ToolRateLimiter } from "./limits";
import { McpToolsMixin } from "./mcp-tools";
import {
	CREATABLE_TYPES,
	HTTP_METHODS,
	INVOCATION_SCHEMA,
	INVOCATION_STATUSES,
	presentInvocation,
	presentTool,
	SAFETY_LEVELS,
	TOOL_NAME,
	TOOL_SCHEMA,
	TOOL_TEST_RESULT_SCHEMA,
	TOOL_TYPES,
	type InvocationDoc,
	type InvocationStatus,
	type ToolDoc,
	type ToolError
} from "./model";

interface ToolsThis extends PlatformThis {
	repos: { tools: Repository<ToolDoc>; tool_invocations: Repository<InvocationDoc> };
	limiter: ToolRateLimiter;
	settingsCache: SettingsCache;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

/** What `tools.invoke`, `tools.recordSimulated` and the test endpoint answer. */
export interface InvocationResult {
	invocation_id: string | null;
	status: InvocationStatus;
	output: unknown;
	error: ToolError | null;
	latency_ms: number;
}

interface CallContext {
	org_id: string;
	run_id: string | null;
	agent_id: string | null;
	step_id: string | null;
	end_user_id: string | null;
	source: "run" | "test";
}

const CALLS_METRIC = "fluxgate.tool.calls.total";

/** Parameters of the internal actions that log a call made during a run. */
const runCallParams = () => ({
	org_id: "string",
	tool_id: "string",
	input: { type: "any", optional: true },
	run_id: { type: "string", optional: true, nullable: true },
	agent_id: { type: "string", optional: true, nullable: true },
	step_id: { type: "string", optional: true, nullable: true }
});

const runCall = (p: Record<string, any>): CallContext => ({
	org_id: p.org_id,
	run_id: p.run_id ?? null,
	agent_id: p.agent_id ?? null,
	step_id: p.step_id ?? null,
	end_user_id: p.end_user_id ?? null,
	source: "run"
});

const writable = (optional: boolean) => ({
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

const pickRateLimit = (r: any) => (r ? { max_calls: r.max_calls, period: r.period } : r);

const ToolsService: Schema<ToolsThis> = {
	name: "tools",
	mixins: [
		StoreMixin({
			tools: [{ fields: ["org_id", "name"], unique: true }],
			tool_invocations: [{ fields: ["tool_id"] }, { fields: ["run_id"] }]
		}),
		McpToolsMixin
	],
	settings: { rest: "/tools" },
	dependencies: ["admin"],
	metadata: { schemas: { Tool: TOOL_SCHEMA, Invocation: INVOCATION_SCHEMA, ToolTestResult: TOOL_TEST_RESULT_SCHEMA } },

	actions: {
		create: {
			rest: "POST /",
			access: ["tools:write"],
			audit: { action: "tool.create" },
			openapi: { summary: "Register a tool", status: 201, response: "Tool" },
			params: { ...writable(false), type: { type: "enum", values: CREATABLE_TYPES } },
			async handler(this: ToolsThis, ctx: Ctx) {
				const p = ctx.params;
				const fields = buildTool({ ...p, rate_limit: pickRateLimit(p.rate_limit) });
				const principal = ctx.meta.principal;
				const doc = await writeUnique("name", p.name, () =>
					this.repos.tools.forOrg(principal.org_id).insert({ id: newId("tool"), ...fields, created_by: principal.user_id ?? principal.id })
				);
				return presentTool(doc);
			}
		},

		list: {
			rest: "GET /",
			access: ["tools:read"],
			openapi: { summary: "List tools", response: "List:Tool" },
			params: {
				...LIST_QUERY,
				type: query({ type: "enum", values: [...TOOL_TYPES] }),
				safety_level: query({ type: "enum", values: SAFETY_LEVELS }),
				search: query({ type: "string", max: 200 }),
				available: query({ type: "boolean" })
			},
			async handler(this: ToolsThis, ctx: Ctx) {
				const { type, safety_level, search, available } = ctx.params;
				const filter: Record<string, any> = search ? substringFilter(search, ["name", "description"]) : {};
				if (type) filter.type = type;
				if (safety_level) filter.safety_level = safety_level;
				if (available !== undefined) filter.available = available;
				const page = await this.repos.tools.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentTool) };
			}
		},

		get: {
			rest: "GET /:tool_id",
			access: ["tools:read"],
			openapi: { summary: "Get a tool", response: "Tool" },
			params: { tool_id: "string" },
			async handler(this: ToolsThis, ctx: Ctx) {
				return presentTool(await this.requireTool(ctx, ctx.params.tool_id));
			}
		},

		update: {
			rest: "PUT /:tool_id",
			access: ["tools:write"],
			audit: { action: "tool.update" },
			openapi: { summary: "Change a tool", response: "Tool" },
			params: { tool_id: "string", ...writable(true), type: { type: "enum", values: [...TOOL_TYPES], optional: true } },
			async handler(this: ToolsThis, ctx: Ctx) {
				const p = ctx.params;
				const tool = await this.requireTool(ctx, p.tool_id);
				const set = buildUpdate(tool, { ...p, rate_limit: pickRateLimit(p.rate_limit) });
				if (!Object.keys(set).length) return presentTool(tool);
				const updated = await writeUnique("name", p.name, () => this.repos.tools.forOrg(tool.org_id).update(tool.id, set));
				if (!updated) throw errors.notFound("Tool");
				return presentTool(updated);
			}
		},

		remove: {
			rest: "DELETE /:tool_id",
			access: ["tools:write"],
			audit: { action: "tool.delete" },
			openapi: { summary: "Delete a tool (force=true detaches it from agents first)", status: 204, query: ["force"] },
			params: { tool_id: "string", force: query({ type: "boolean" }) },
			async handler(this: ToolsThis, ctx: Ctx) {
				const tool = await this.requireTool(ctx, ctx.params.tool_id);
				const ref = { org_id: tool.org_id, tool_id: tool.id };
				const agentIds = await callIfPresent<string[]>(this.broker, "agents.usingTool", ref, [], ctx);
				if (agentIds.length) {
					if (!ctx.params.force) {
						throw errors.resourceInUse(`Tool ${tool.name} is attached to ${agentIds.length} agent(s): detach it first, or delete with force=true`, { agent_ids: agentIds });
					}
					await callIfPresent(this.broker, "agents.detachToolEverywhere", ref, null, ctx);
				}
				await this.repos.tools.forOrg(tool.org_id).delete(tool.id);
				return null;
			}
		},

		test: {
			rest: "POST /:tool_id/test",
			access: ["tools:write"],
			audit: { action: "tool.test" },
			openapi: { summary: "Call a tool for real with a test input", response: "ToolTestResult" },
			params: { tool_id: "string", input: { type: "object", optional: true } },
			async handler(this: ToolsThis, ctx: Ctx): Promise<InvocationResult> {
				const tool = await this.requireTool(ctx, ctx.params.tool_id);
				const { value, problems } = validateInput(tool.input_schema, ctx.params.input ?? {});
				if (problems.length) throw errors.validation(problems.map(pr => ({ field: pr.field ? `input.${pr.field}` : "input", message: pr.message })));
				const rate = await this.hitRateLimit(tool);
				if (rate) {
					throw new FluxError(429, "TOOL_RATE_LIMITED", this.rateLimitMessage(tool, rate.retryAfterSeconds), {
						limit: tool.rate_limit?.max_calls,
						period: tool.rate_limit?.period,
						window_seconds: rate.windowSeconds,
						retry_after_seconds: rate.retryAfterSeconds
					});
				}
				const call: CallContext = { org_id: tool.org_id, run_id: null, agent_id: null, step_id: null, end_user_id: null, source: "test" };
				const started = Date.now();
				const invocationId = newId("inv");
				if (!tool.available) return this.finish(ctx, tool, call, invocationId, started, { status: "error", input: value, output: null, error: this.unavailableError(tool) });
				const result = await this.perform(ctx, tool, value, call, invocationId);
				return this.finish(ctx, tool, call, invocationId, started, result);
			}
		},

		invocations: {
			rest: "GET /:tool_id/invocations",
			access: ["tools:read"],
			openapi: { summary: "A tool's invocation log", response: "List:Invocation" },
			params: {
				tool_id: "string",
				...LIST_QUERY,
				run_id: query({ type: "string", max: 64 }),
				status: query({ type: "enum", values: INVOCATION_STATUSES }),
				source: query({ type: "enum", values: ["run", "test"] }),
				...CREATED_RANGE_QUERY
			},
			async handler(this: ToolsThis, ctx: Ctx) {
				const tool = await this.requireTool(ctx, ctx.params.tool_id);
				const { run_id, status, source } = ctx.params;
				const filter: Record<string, any> = { tool_id: tool.id };
				if (run_id) filter.run_id = run_id;
				if (status) filter.status = status;
				if (source) filter.source = source;
				const page = await this.repos.tool_invocations.forOrg(tool.org_id).list(withCreatedRange(filter, ctx.params), listOptions(ctx.params));
				return { ...page, items: page.items.map(presentInvocation) };
			}
		},

		resetCircuit: {
			rest: "POST /:tool_id/circuit/reset",
			access: ["tools:write"],
			audit: { action: "tool.circuit_reset" },
			openapi: { summary: "Close a tool's circuit breaker", response: "Tool" },
			params: { tool_id: "string" },
			async handler(this: ToolsThis, ctx: Ctx) {
				const tool = await this.requireTool(ctx, ctx.params.tool_id);
				const updated = await new CircuitBreaker(this.repos.tools.forOrg(tool.org_id)).reset(tool.id);
				if (!updated) throw errors.notFound("Tool");
				return presentTool(updated);
			}
		},

		// Internal actions for the runtime, agents and MCP modules.

		/** What the model is told about tools, in the order asked; unknown ids are skipped. */
		describe: {
			visibility: "public",
			params: { org_id: "string", tool_ids: { type: "array", items: "string" } },
			async handler(this: ToolsThis, ctx: Context<{ org_id: string; tool_ids: string[] }>) {
				const { org_id, tool_ids } = ctx.params;
				if (!tool_ids.length) return [];
				const found = await this.repos.tools.forOrg(org_id).find({ id: { $in: [...new Set(tool_ids)] } });
				const byId = new Map(found.map(t => [t.id, t]));
				return tool_ids
					.map(id => byId.get(id))
					.filter((t): t is ToolDoc => !!t)
					.map(t => ({ id: t.id, name: t.name, description: t.description, input_schema: t.input_schema, safety_level: t.safety_level, available: t.available, type: t.type }));
			}
		},

		/**
		 * One call during a run. Checks, in order: available → rate limit → circuit → input schema →
		 * secrets → call. Attachment, governance and approval are the runtime's, before this.
		 */
		invoke: {
			visibility: "public",
			params: {
				...runCallParams(),
				end_user_id: { type: "string", optional: true, nullable: true },
				mode: { type: "enum", values: ["production", "test"], optional: true }
			},
			async handler(this: ToolsThis, ctx: Context<any, any>): Promise<InvocationResult> {
				const p = ctx.params;
				const started = Date.now();
				const tool = await this.repos.tools.forOrg(p.org_id).get(p.tool_id);
				if (!tool) {
					return { invocation_id: null, status: "error", output: null, error: { code: "TOOL_UNAVAILABLE", message: `Tool ${p.tool_id} does not exist` }, latency_ms: 0 };
				}
				const call = runCall(p);
				const invocationId = newId("inv");
				const input = p.input === undefined ? {} : p.input;
				const fail = (status: InvocationStatus, error: ToolError) => this.finish(ctx, tool, call, invocationId, started, { status, input, output: null, error });

				if (!tool.available) return fail("error", this.unavailableError(tool));
				const rate = await this.hitRateLimit(tool);
				if (rate) {
					return fail("rate_limited", { code: "TOOL_RATE_LIMITED", message: this.rateLimitMessage(tool, rate.retryAfterSeconds) });
				}
				const breaker = new CircuitBreaker(this.repos.tools.forOrg(tool.org_id));
				const admission = await breaker.admit(tool);
				if (admission === "open") return fail("error", { code: "TOOL_CIRCUIT_OPEN", message: `The circuit of tool ${tool.name} is open after repeated failures: calls resume after 30 s` });
				const { value, problems } = validateInput(tool.input_schema, input);
				if (problems.length) {
					if (admission === "trial") await breaker.release(tool);
					return fail("error", { code: "INVALID_TOOL_INPUT", message: problems.map(pr => (pr.field ? `${pr.field}: ${pr.message}` : pr.message)).join("; ") });
				}
				const result = await this.perform(ctx, tool, value, call, call.step_id ?? invocationId);
				const failed = result.status === "error" && result.countsAsFailure;
				const countable = result.status === "success" || failed;
				if (countable) {
					const opened = await breaker.record(tool, failed, admission === "trial");
					if (opened) this.circuitOpened(ctx, tool, call, result.error);
				} else if (admission === "trial") {
					await breaker.release(tool);
				}
				return this.finish(ctx, tool, call, invocationId, started, result);
			}
		},

		/** The runtime decided not to call the tool (test mode); the invocation is logged as `simulated`. */
		recordSimulated: {
			visibility: "public",
			params: runCallParams(),
			async handler(this: ToolsThis, ctx: Context<any, any>): Promise<InvocationResult> {
				const p = ctx.params;
				const tool = await this.repos.tools.forOrg(p.org_id).get(p.tool_id);
				if (!tool) return { invocation_id: null, status: "simulated", output: { simulated: true }, error: null, latency_ms: 0 };
				const call = runCall(p);
				return this.finish(ctx, tool, call, newId("inv"), Date.now(), { status: "simulated", input: p.input ?? {}, output: { simulated: true }, error: null });
			}
		}
	},

	events: {
		"settings.changed"(this: ToolsThis, ctx: Context<Settings>) {
			this.settingsCache.set(ctx.params);
		}
	},

	methods: {
		async requireTool(this: ToolsThis, ctx: Ctx, id: string): Promise<ToolDoc> {
			const tool = await this.repos.tools.forOrg(ctx.meta.principal.org_id).get(id);
			if (!tool) throw errors.notFound("Tool");
			return tool;
		},

		/** Counts one call; answers the refusal when the tool's `rate_limit` is exhausted, else null. */
		async hitRateLimit(this: ToolsThis, tool: ToolDoc) {
			if (!tool.rate_limit) return null;
			const decision = await this.limiter.hit(tool.id, tool.rate_limit);
			return decision.allowed ? null : decision;
		},

		rateLimitMessage(this: ToolsThis, tool: ToolDoc, retryAfterSeconds: number): string {
			return `Tool ${tool.name} allows ${tool.rate_limit?.max_calls} calls per ${tool.rate_limit?.period}: retry after ${retryAfterSeconds} s`;
		},

		unavailableError(this: ToolsThis, tool: ToolDoc): ToolError {
			return { code: "TOOL_UNAVAILABLE", message: `Tool ${tool.name} is no longer offered by its MCP server` };
		},

		/** The platform side of a call: secrets, outbound policy, knowledge search and MCP. */
		executeEnv(this: ToolsThis, ctx: Context<any, any>, call: CallContext, idempotencyKey: string): ExecuteEnv {
			const principal = ctx.meta.principal ?? { type: "system", id: null, name: "tools", user_id: null, org_id: call.org_id, permissions: [], roles: [] };
			const present = (action: string) => (this.broker.registry as any).actions.isAvailable(action);
			return {
				idempotencyKey,
				userAgent: `Fluxgate/${this.config.version}`,
				resolveSecrets: async value => {
					if (!present("secrets.resolve")) throw new FluxError(404, "SECRET_NOT_FOUND", "Secret references cannot be resolved: the secrets module does not run on this installation");
					return ctx.call("secrets.resolve", { org_id: call.org_id, agent_id: call.agent_id, value });
				},
				outboundPolicy: async () => outboundPolicy(await this.settingsCache.get(), this.config.allowPrivateNetwork),
				knowledgeSearch: present("knowledge.search")
					? params => ctx.call("knowledge.search", { ...params, org_id: call.org_id }, { meta: { principal } })
					: null,
				mcpCall: present("mcp.callTool")
					? params =>
						// The MCP module bounds the call by the tool's timeout; the broker's default must not cut it shorter.
						ctx.call("mcp.callTool", { ...params, org_id: call.org_id, run_id: call.run_id, agent_id: call.agent_id, end_user_id: call.end_user_id }, { timeout: params.timeout_ms + 5000 })
					: null
			};
		},

		async perform(this: ToolsThis, ctx: Context<any, any>, tool: ToolDoc, input: Record<string, unknown>, call: CallContext, idempotencyKey: string) {
			const result = await executeTool(tool, input, this.executeEnv(ctx, call, idempotencyKey));
			if (result.unexpected) this.logger.error({ err: result.unexpected, tool_id: tool.id }, "Tool call failed unexpectedly");
			return result;
		},

		/** Logs the invocation, then the events, audit entry and metric of a run call; answers the call result. */
		async finish(
			this: ToolsThis,
			ctx: Context<any, any>,
			tool: ToolDoc,
			call: CallContext,
			invocationId: string,
			started: number,
			result: { status: InvocationStatus; input: unknown; output: unknown; error: ToolError | null }
		): Promise<InvocationResult> {
			const latency = result.status === "simulated" ? 0 : Date.now() - started;
			await this.repos.tool_invocations.forOrg(tool.org_id).insert({
				id: invocationId,
				tool_id: tool.id,
				tool_name: tool.name,
				run_id: call.run_id,
				agent_id: call.agent_id,
				step_id: call.step_id,
				source: call.source,
				input: result.input ?? {},
				output: result.output ?? null,
				status: result.status,
				error: result.error,
				latency_ms: latency
			});
			this.broker.metrics.increment(CALLS_METRIC, { status: result.status });
			if (call.source === "run") {
				const payload = { org_id: tool.org_id, invocation_id: invocationId, tool_id: tool.id, tool_name: tool.name, run_id: call.run_id, agent_id: call.agent_id, status: result.status, latency_ms: latency, error: result.error };
				ctx.broadcast("tool.called", payload);
				if (result.status === "error") ctx.broadcast("tool.failed", payload);
				if (tool.safety_level !== "safe" && (result.status === "success" || result.status === "error")) await this.auditCall(ctx, tool, call, result.status === "success");
			}
			return { invocation_id: invocationId, status: result.status, output: result.output ?? null, error: result.error, latency_ms: latency };
		},

		/** `tool.invoke` audit entry for each run call of a moderate or dangerous tool (§18). */
		async auditCall(this: ToolsThis, ctx: Context<any, any>, tool: ToolDoc, call: CallContext, success: boolean) {
			await ctx
				.call("audit.record", {
					org_id: tool.org_id,
					actor_type: "system",
					actor_id: null,
					actor_name: null,
					action: "tool.invoke",
					resource_id: tool.id,
					outcome: success ? "success" : "failure",
					status_code: null,
					details: { tool_name: tool.name, step_id: call.step_id },
					ip: null,
					user_agent: null,
					request_id: ctx.requestID ?? null
				})
				.catch(err => this.logger.error({ err, tool_id: tool.id }, "Could not audit a tool call"));
		},

		circuitOpened(this: ToolsThis, ctx: Context<any, any>, tool: ToolDoc, call: CallContext, error: ToolError | null) {
			this.logger.warn({ tool_id: tool.id, org_id: tool.org_id }, "Tool circuit opened after repeated failures");
			ctx.broadcast("tool.circuit_opened", {
				org_id: tool.org_id,
				tool_id: tool.id,
				tool_name: tool.name,
				run_id: call.run_id,
				agent_id: call.agent_id,
				status: "open",
				latency_ms: 0,
				error
			});
		}
	},

	created(this: ToolsThis) {
		this.limiter = new ToolRateLimiter(this.platform.redis);
		this.settingsCache = new SettingsCache(
			() => this.broker.call("admin.currentSettings"),
			() => defaultSettings(this.config)
		);
		const statuses = ["success", "error", "denied", "simulated", "rate_limited", "replayed"].map(status => ({ status }));
		registerMetric(this.broker, { type: "counter", name: CALLS_METRIC, labelNames: ["status"], description: "Tool invocations by status" }, statuses);
	}
};

export default ToolsService;
