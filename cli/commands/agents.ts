import { CommandContext, resolveAgentId, UsageError } from "../context";
import { details, info, printJson, table } from "../output";

export interface AgentFlags {
	name?: string;
	model?: string;
	description?: string;
	systemPrompt?: string;
	status?: string;
	search?: string;
	reason?: string;
	limit?: string;
}

const AGENT_KEYS = ["id", "name", "status", "version", "model", "description", "tools", "tags", "team", "temperature", "max_tokens", "max_steps", "created_at", "updated_at"];

export async function listAgents(ctx: CommandContext, flags: AgentFlags): Promise<void> {
	const fg = await ctx.client();
	const query = { status: flags.status as any, search: flags.search, limit: flags.limit ? Number(flags.limit) : 50 };
	const page = await fg.GET("/api/v1/agents", { params: { query } });
	if (ctx.out.json) return void printJson(ctx.out, page);
	table(ctx.out, page.items as Record<string, unknown>[], ["id", "name", "status", "version", "model", "updated_at"]);
	if (page.total > page.items.length) info(ctx.out, `${page.items.length} of ${page.total}; narrow with --search or --status, or raise --limit`);
}

export async function getAgent(ctx: CommandContext, agent: string): Promise<void> {
	const fg = await ctx.client();
	const found = await fg.GET("/api/v1/agents/{agent_id}", { params: { path: { agent_id: await resolveAgentId(fg, agent) } } });
	if (ctx.out.json) return void printJson(ctx.out, found);
	details(ctx.out, found as Record<string, unknown>, AGENT_KEYS);
}

export async function createAgent(ctx: CommandContext, flags: AgentFlags): Promise<void> {
	if (!flags.name || !flags.model) throw new UsageError("fluxgate agents create needs --name <slug> and --model <model id> (fluxgate models are listed at /api/v1/providers/models)");
	const fg = await ctx.client();
	const created = await fg.POST("/api/v1/agents", { body: { name: flags.name, model: flags.model, ...writable(flags) } });
	if (ctx.out.json) return void printJson(ctx.out, created);
	info(ctx.out, `Created agent ${created.name} (${created.id}), version ${created.version}, status ${created.status}`);
}

export async function updateAgent(ctx: CommandContext, agent: string, flags: AgentFlags): Promise<void> {
	const body = { ...writable(flags), ...(flags.name ? { name: flags.name } : {}), ...(flags.model ? { model: flags.model } : {}) };
	if (!Object.keys(body).length) throw new UsageError("Nothing to change: pass --name, --model, --description or --system-prompt");
	const fg = await ctx.client();
	const updated = await fg.PUT("/api/v1/agents/{agent_id}", { params: { path: { agent_id: await resolveAgentId(fg, agent) } }, body });
	if (ctx.out.json) return void printJson(ctx.out, updated);
	info(ctx.out, `Updated agent ${updated.name}: now version ${updated.version}`);
}

export async function promoteAgent(ctx: CommandContext, agent: string, state: string | undefined, flags: AgentFlags): Promise<void> {
	const states = ["draft", "testing", "active", "suspended", "archived"];
	if (!state || !states.includes(state)) throw new UsageError(`fluxgate agents promote <agent> <state>: state is one of ${states.join(", ")}`);
	const fg = await ctx.client();
	const agentId = await resolveAgentId(fg, agent);
	const result = await fg.POST("/api/v1/lifecycle/{agent_id}/promote", {
		params: { path: { agent_id: agentId } },
		body: { target_state: state as "active", ...(flags.reason ? { reason: flags.reason } : {}) }
	});
	if (ctx.out.json) return void printJson(ctx.out, result);
	info(ctx.out, `Agent ${agent} is now ${state}`);
}

export async function deleteAgent(ctx: CommandContext, agent: string): Promise<void> {
	const fg = await ctx.client();
	const agentId = await resolveAgentId(fg, agent);
	await fg.DELETE("/api/v1/agents/{agent_id}", { params: { path: { agent_id: agentId } } });
	if (ctx.out.json) return void printJson(ctx.out, { deleted: agentId });
	info(ctx.out, `Deleted agent ${agent} (${agentId})`);
}

function writable(flags: AgentFlags): { description?: string; system_prompt?: string } {
	return {
		...(flags.description !== undefined ? { description: flags.description } : {}),
		...(flags.systemPrompt !== undefined ? { system_prompt: flags.systemPrompt } : {})
	};
}
