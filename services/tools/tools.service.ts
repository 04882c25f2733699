import type { Context } from "moleculer";
import { registerMetric } from "../../lib/metrics";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { FluxError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Schema } from "../../lib/schema";
import { defaultSettings, SettingsCache, type Settings } from "../../lib/settings";
import { writeUnique } from "../../lib/store";
import { CREATED_RANGE_QUERY, LIST_QUERY, listOptions, query, substringFilter, withCreatedRange } from "../../lib/validation";
import { StoreMixin } from "../../mixins/platform.mixin";
import { CircuitBreaker } from "./circuit";
import { buildTool, buildUpdate } from "./fields";
import { validateInput } from "./json-schema";
import { ToolRateLimiter } from "./limits";
import { McpToolsMixin } from "./mcp-tools";
import { CREATABLE_TYPES, INVOCATION_SCHEMA, INVOCATION_STATUSES, presentInvocation, presentTool, SAFETY_LEVELS, TOOL_SCHEMA, TOOL_TEST_RESULT_SCHEMA, TOOL_TYPES, type InvocationStatus, type ToolDoc, type ToolError } from "./model";
import { type CallContext, CALLS_METRIC, type Ctx, type InvocationResult, pickRateLimit, runCall, runCallParams, type ToolsThis, writable } from "./service-model";
import { toolsMethods } from "./methods";

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

	methods: toolsMethods,

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
