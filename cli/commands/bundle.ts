import fs from "node:fs";
import type { Fluxgate, Schemas } from "../../sdk/src";
import { CommandContext, resolveAgentId, UsageError } from "../context";
import { info, print, printJson } from "../output";

/** A portable agent: its configuration and the tools it uses, without ids, org data or secret values. */
export interface AgentBundle {
	fluxgate_bundle: 1;
	exported_at: string;
	agent: Record<string, unknown>;
	tools: Record<string, unknown>[];
}

const AGENT_FIELDS = [
	"name", "description", "model", "system_prompt", "tags", "team", "temperature", "max_tokens", "max_steps", "timeout_seconds",
	"memory_enabled", "prompt_variables", "max_cost_usd_per_run", "metadata"
] as const;
const TOOL_FIELDS = ["name", "description", "type", "endpoint", "method", "headers", "config", "input_schema", "safety_level", "rate_limit", "timeout_seconds"] as const;
const SECRET_REFERENCE = /\{\{\s*secrets\.[^}]+\}\}/;

const pick = (record: Record<string, unknown>, fields: readonly string[]) =>
	Object.fromEntries(fields.filter(f => record[f] !== undefined).map(f => [f, record[f]]));

export async function exportAgent(ctx: CommandContext, agent: string, output: string | undefined): Promise<void> {
	const fg = await ctx.client();
	const found = await fg.GET("/api/v1/agents/{agent_id}", { params: { path: { agent_id: await resolveAgentId(fg, agent) } } });
	const warnings: string[] = [];
	if (found.prompt_id) warnings.push(`prompt template ${found.prompt_id} is org-specific and not exported; the bundle keeps system_prompt`);
	if (found.knowledge_collection_ids?.length) warnings.push("knowledge collections are org-specific and not exported; attach them after import");
	const tools: Record<string, unknown>[] = [];
	for (const toolId of found.tools ?? []) {
		const tool = await fg.GET("/api/v1/tools/{tool_id}", { params: { path: { tool_id: toolId } } });
		if (tool.type === "mcp") {
			warnings.push(`tool ${tool.name} comes from an MCP server and is not exported; register the server in the target org`);
			continue;
		}
		tools.push(portableTool(tool, warnings));
	}
	const bundle: AgentBundle = { fluxgate_bundle: 1, exported_at: new Date().toISOString(), agent: pick(found as Record<string, unknown>, AGENT_FIELDS), tools };
	for (const warning of warnings) info(ctx.out, `warning: ${warning}`);
	const text = JSON.stringify(bundle, null, 2) + "\n";
	if (!output || output === "-") return void ctx.out.stdout.write(text);
	fs.writeFileSync(output, text);
	info(ctx.out, `Exported ${found.name} with ${tools.length} tool(s) to ${output}`);
}

/** Only header values that reference secrets travel; a literal value may itself be a credential. */
function portableTool(tool: Schemas["Tool"], warnings: string[]): Record<string, unknown> {
	const portable = pick(tool as Record<string, unknown>, TOOL_FIELDS);
	const headers = (tool.headers ?? {}) as Record<string, string>;
	const kept = Object.entries(headers).filter(([, value]) => SECRET_REFERENCE.test(value));
	const dropped = Object.keys(headers).filter(name => !kept.some(([k]) => k === name));
	if (dropped.length) warnings.push(`tool ${tool.name}: literal header value(s) ${dropped.join(", ")} left out; use {{secrets.NAME}} references`);
	if (tool.type === "rest_api") portable.headers = Object.fromEntries(kept);
	else delete portable.headers;
	return portable;
}

export function readBundle(file: string): AgentBundle {
	let bundle: any;
	try {
		bundle = JSON.parse(file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8"));
	} catch (err: any) {
		throw new UsageError(`Cannot read the bundle ${file}: ${err.message}`);
	}
	if (bundle?.fluxgate_bundle !== 1) throw new UsageError(`${file} is not a Fluxgate agent bundle (expected "fluxgate_bundle": 1; made by \`fluxgate agents export\`)`);
	if (typeof bundle.agent?.name !== "string" || typeof bundle.agent?.model !== "string") throw new UsageError(`${file}: the bundle's agent needs a name and a model`);
	if (!Array.isArray(bundle.tools) || bundle.tools.some((t: any) => typeof t?.name !== "string")) throw new UsageError(`${file}: "tools" must be a list of tools with names`);
	return bundle as AgentBundle;
}

/** Creates the bundle's agent; a tool whose name already exists in this org is reused, the others are created. */
export async function importAgent(ctx: CommandContext, file: string, rename: string | undefined): Promise<void> {
	const bundle = readBundle(file);
	const fg = await ctx.client();
	const toolIds: string[] = [];
	const report: { tool: string; action: "reused" | "created"; id: string }[] = [];
	for (const tool of bundle.tools) {
		const existing = await toolNamed(fg, tool.name as string);
		const id = existing ?? (await fg.POST("/api/v1/tools", { body: tool as any })).id!;
		toolIds.push(id);
		report.push({ tool: tool.name as string, action: existing ? "reused" : "created", id });
	}
	const agent = await fg.POST("/api/v1/agents", { body: { ...(bundle.agent as any), ...(rename ? { name: rename } : {}), tools: toolIds } });
	if (ctx.out.json) return void printJson(ctx.out, { agent, tools: report });
	for (const line of report) info(ctx.out, `tool ${line.tool}: ${line.action} (${line.id})`);
	print(ctx.out, `Imported agent ${agent.name} (${agent.id}), status ${agent.status}`);
}

async function toolNamed(fg: Fluxgate, name: string): Promise<string | undefined> {
	const page = await fg.GET("/api/v1/tools", { params: { query: { search: name, limit: 200 } } });
	return page.items.find(t => t.name === name)?.id;
}
