import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import type { Schema } from "../../lib/schema";
import { newId } from "../../lib/ids";
import type { Repository } from "../../lib/store";
import { UniqueViolation } from "../../lib/store";
import { LIST_QUERY, listOptions } from "../../lib/validation";
import { checkInputSchema } from "./json-schema";
import { DEFAULT_INPUT_SCHEMA, presentTool, TOOL_NAME, type ToolDoc } from "./model";

/** A tool as an MCP server lists it (`tools/list`). */
export interface DiscoveredTool {
	name: string;
	description?: string;
	input_schema?: Record<string, unknown>;
}

export interface SyncResult {
	tools_added: string[];
	tools_removed: string[];
	tools_total: number;
	/** MCP tool names that could not be registered (their Fluxgate name belongs to another tool). */
	tools_skipped: string[];
}

/** Stored with an `mcp` tool: what discovery last saw, so client edits of the description survive rediscovery. */
type McpToolDoc = ToolDoc & { discovered_description?: string };

const NAME_RE = new RegExp(TOOL_NAME);

/** The Fluxgate name of a discovered tool: `<server name>.<mcp tool name>`, with characters tool names do not allow replaced. */
export function mcpToolName(serverName: string, mcpName: string): string {
	const name = `${serverName}.${mcpName.replace(/[^A-Za-z0-9._-]/g, "_")}`.slice(0, 128);
	return NAME_RE.test(name) ? name : `${serverName}.tool`;
}

const descriptionOf = (tool: DiscoveredTool, name: string) => (tool.description?.trim() ? tool.description.slice(0, 2000) : `MCP tool ${name}`);

/** The input schema Fluxgate validates calls against; one it cannot use becomes an open object schema. */
function inputSchemaOf(tool: DiscoveredTool): Record<string, unknown> {
	const schema = tool.input_schema;
	if (!schema || typeof schema !== "object" || checkInputSchema(schema).length) return { ...DEFAULT_INPUT_SCHEMA, additionalProperties: true };
	return schema;
}

interface McpThis {
	repos: { tools: Repository<McpToolDoc> };
	[k: string]: any;
}

const SERVER = { org_id: "string", server_id: "string" };

/**
 * The tools side of MCP discovery (§22): the MCP module owns servers, this module owns the `mcp`
 * tools they yield, so calls of those tools go through `tools.invoke` like any other tool.
 */
export const McpToolsMixin: Partial<Schema<any>> = {
	actions: {
		/** Registers what a server offers now: new tools created, known ones updated, missing ones `available: false`. */
		syncMcpTools: {
			visibility: "public",
			params: { ...SERVER, server_name: "string", tools: { type: "array", items: "object" } },
			async handler(this: McpThis, ctx: Context<{ org_id: string; server_id: string; server_name: string; tools: DiscoveredTool[] }>): Promise<SyncResult> {
				const { org_id, server_id, server_name } = ctx.params;
				const repo = this.repos.tools.forOrg(org_id);
				const known = await repo.find({ type: "mcp", "config.server_id": server_id });
				const byMcpName = new Map(known.map(t => [t.config.mcp_tool_name as string, t]));
				const result: SyncResult = { tools_added: [], tools_removed: [], tools_total: 0, tools_skipped: [] };
				const offered = new Set<string>();
				for (const tool of ctx.params.tools) {
					if (typeof tool?.name !== "string" || !tool.name || offered.has(tool.name)) continue;
					offered.add(tool.name);
					const existing = byMcpName.get(tool.name);
					const description = descriptionOf(tool, tool.name);
					if (existing) {
						const set: Partial<McpToolDoc> = { input_schema: inputSchemaOf(tool), available: true, discovered_description: description };
						if (existing.description === (existing.discovered_description ?? existing.description)) set.description = description;
						await repo.update(existing.id, set);
						if (!existing.available) result.tools_added.push(existing.name);
						continue;
					}
					const name = mcpToolName(server_name, tool.name);
					try {
						await repo.insert({
							id: newId("tool"),
							name,
							description,
							discovered_description: description,
							type: "mcp",
							endpoint: null,
							method: "POST",
							headers: {},
							config: { server_id, mcp_tool_name: tool.name },
							input_schema: inputSchemaOf(tool),
							safety_level: "moderate",
							rate_limit: null,
							timeout_seconds: 30,
							available: true,
							circuit_state: "closed",
							circuit_opened_at: null,
							circuit_failures: 0,
							circuit_window_start: null,
							circuit_trial_at: null,
							created_by: null
						});
						result.tools_added.push(name);
					} catch (err) {
						if (!(err instanceof UniqueViolation)) throw err;
						this.logger.warn({ org_id, server_id, tool: name }, "An MCP tool was not registered: another tool already has its name");
						result.tools_skipped.push(tool.name);
					}
				}
				for (const tool of known) {
					if (offered.has(tool.config.mcp_tool_name) || !tool.available) continue;
					await repo.update(tool.id, { available: false });
					result.tools_removed.push(tool.name);
				}
				result.tools_total = await repo.count({ type: "mcp", "config.server_id": server_id, available: true });
				return result;
			}
		},

		/** A server's tools as a list page (§22 row 7). */
		listMcpTools: {
			visibility: "public",
			params: { ...SERVER, available: { type: "boolean", optional: true }, ...LIST_QUERY },
			async handler(this: McpThis, ctx: Context<any>) {
				const { org_id, server_id, available } = ctx.params;
				const filter: Record<string, unknown> = { type: "mcp", "config.server_id": server_id };
				if (available !== undefined) filter.available = available;
				const page = await this.repos.tools.forOrg(org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentTool) };
			}
		},

		/** Available tools per server: `{<server_id>: count}`. */
		countMcpTools: {
			visibility: "public",
			params: { org_id: "string", server_ids: { type: "array", items: "string" } },
			async handler(this: McpThis, ctx: Context<{ org_id: string; server_ids: string[] }>) {
				const { org_id, server_ids } = ctx.params;
				const counts: Record<string, number> = Object.fromEntries(server_ids.map(id => [id, 0]));
				if (!server_ids.length) return counts;
				const tools = await this.repos.tools.forOrg(org_id).find({ type: "mcp", available: true, "config.server_id": { $in: server_ids } });
				for (const t of tools) counts[t.config.server_id] = (counts[t.config.server_id] ?? 0) + 1;
				return counts;
			}
		},

		/** A deleted server's tools: detached from every agent (new agent versions), then deleted. */
		removeMcpTools: {
			visibility: "public",
			params: SERVER,
			async handler(this: McpThis, ctx: Context<{ org_id: string; server_id: string }>) {
				const { org_id, server_id } = ctx.params;
				const repo = this.repos.tools.forOrg(org_id);
				const tools = await repo.find({ type: "mcp", "config.server_id": server_id });
				for (const tool of tools) {
					await callIfPresent(this.broker, "agents.detachToolEverywhere", { org_id, tool_id: tool.id }, null, ctx);
					await repo.delete(tool.id);
				}
				return { deleted: tools.length };
			}
		}
	}
};
