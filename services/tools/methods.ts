import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import { FluxError } from "../../lib/errors";
import { outboundPolicy } from "../../lib/outbound";
import type { Schema } from "../../lib/schema";
import { executeTool, type ExecuteEnv } from "./execute";
import type { InvocationStatus, ToolDoc, ToolError } from "./model";
import { type CallContext, CALLS_METRIC, type Ctx, type InvocationResult, type ToolsThis } from "./service-model";

/** The tools service's methods: lookups, invocation with rate limits, circuit breakers and audit, and the invocation log. */
export const toolsMethods: NonNullable<Schema<ToolsThis>["methods"]> = {
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
};
