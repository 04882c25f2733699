import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { RUN_QUERY } from "../runtime/runs";
import type { Schema } from "../../lib/schema";
import type { Filter } from "../../lib/store";
import { CREATED_RANGE_QUERY, dateTime, LIST_QUERY, listOptions, query, substringFilter, withCreatedRange } from "../../lib/validation";
import { StoreMixin } from "../../mixins/platform.mixin";
import { costWindow, fillBuckets } from "./costs";
import {
	AGENT_COSTS_SCHEMA,
	AGENT_SCHEMA,
	AGENT_STATUSES,
	AGENT_VERSION_SCHEMA,
	agentFieldRules,
	HISTORY_ENTRY_SCHEMA,
	MAX_TOOLS,
	presentAgent,
	unique,
	type AgentDoc
} from "./model";
import { checkModel, checkReferences, missingTools, notFoundReferences } from "./references";
import { pickWritable } from "./versioning";
import { archived, type AgentsThis, type CostSums, type Ctx } from "./service-model";
import { internalActions } from "./internal-actions";
import { agentsMethods } from "./methods";

const AgentsService: Schema<AgentsThis> = {
	name: "agents",
	mixins: [
		StoreMixin({
			agents: [{ fields: ["org_id", "name"], unique: true }, { fields: ["status"] }],
			agent_versions: [{ fields: ["org_id", "agent_id", "version"], unique: true }],
			agent_history: [{ fields: ["org_id", "agent_id"] }]
		})
	],
	settings: { rest: "/agents" },
	metadata: { schemas: { Agent: AGENT_SCHEMA, AgentVersion: AGENT_VERSION_SCHEMA, HistoryEntry: HISTORY_ENTRY_SCHEMA, AgentCosts: AGENT_COSTS_SCHEMA } },

	actions: {
		createAgent: {
			rest: "POST /",
			access: ["agents:write"],
			audit: { action: "agent.create" },
			openapi: { summary: "Create an agent (version 1, status draft)", status: 201, response: "Agent" },
			params: agentFieldRules(true),
			async handler(this: AgentsThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const orgId = principal.org_id;
				const patch = pickWritable(ctx.params);
				await checkModel(this.broker, ctx, orgId, patch.model as string);
				await checkReferences(this.broker, ctx, orgId, patch);
				const doc = await this.insertAgent(orgId, patch, principal.id);
				ctx.broadcast("agent.created", { org_id: orgId, agent_id: doc.id, name: doc.name, version: doc.version });
				return presentAgent(doc);
			}
		},

		listAgents: {
			rest: "GET /",
			access: ["agents:read"],
			openapi: { summary: "List agents", response: "List:Agent" },
			params: {
				...LIST_QUERY,
				status: query({ type: "enum", values: [...AGENT_STATUSES] }),
				tag: query({ type: "string", max: 32 }),
				team: query({ type: "string", max: 100 }),
				model: query({ type: "string", max: 200 }),
				search: query({ type: "string", max: 200 }),
				...CREATED_RANGE_QUERY
			},
			async handler(this: AgentsThis, ctx: Ctx) {
				const p = ctx.params;
				const filter: Filter = p.search ? substringFilter(p.search, ["name", "description"]) : {};
				if (p.status) filter.status = p.status;
				if (p.tag) filter.tags = p.tag;
				if (p.team) filter.team = p.team;
				if (p.model) filter.model = p.model;
				const page = await this.agentsOf(ctx.meta.principal.org_id).list(withCreatedRange(filter, p), listOptions(p));
				return { ...page, items: page.items.map(presentAgent) };
			}
		},

		getAgent: {
			rest: "GET /:agent_id",
			access: ["agents:read"],
			openapi: { summary: "Get an agent", response: "Agent" },
			params: { agent_id: "string" },
			async handler(this: AgentsThis, ctx: Ctx) {
				return presentAgent(await this.requireAgent(ctx.meta.principal.org_id, ctx.params.agent_id));
			}
		},

		updateAgent: {
			rest: "PUT /:agent_id",
			access: ["agents:write"],
			audit: { action: "agent.update" },
			openapi: { summary: "Change an agent; a changed configuration becomes a new version", response: "Agent" },
			params: { agent_id: "string", ...agentFieldRules(false) },
			async handler(this: AgentsThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const orgId = principal.org_id;
				const patch = pickWritable(ctx.params);
				if (patch.model !== undefined) await checkModel(this.broker, ctx, orgId, patch.model);
				const agent = await this.requireAgent(orgId, ctx.params.agent_id);
				const promptChanges = patch.prompt_id !== undefined || patch.prompt_version !== undefined;
				await checkReferences(this.broker, ctx, orgId, {
					tools: patch.tools,
					knowledge_collection_ids: patch.knowledge_collection_ids,
					prompt_id: promptChanges ? (patch.prompt_id !== undefined ? patch.prompt_id : agent.prompt_id) : undefined,
					prompt_version: patch.prompt_version !== undefined ? patch.prompt_version : agent.prompt_version
				});
				const updated = await this.commitChange(ctx, orgId, agent, (doc: AgentDoc) => {
					if (doc.status === "archived") throw archived(doc);
					return patch;
				}, { source: "update", actorId: principal.id });
				return presentAgent(updated);
			}
		},

		deleteAgent: {
			rest: "DELETE /:agent_id",
			access: ["agents:write"],
			audit: { action: "agent.delete" },
			openapi: { summary: "Delete an agent and everything scoped to it (runs are kept)", status: 204 },
			params: { agent_id: "string" },
			async handler(this: AgentsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const agent = await this.requireAgent(orgId, ctx.params.agent_id);
				if (agent.status === "active") {
					throw errors.conflict("AGENT_ACTIVE", `Agent ${agent.name} is active: suspend or archive it before deleting it`);
				}
				const workflowIds = await callIfPresent<string[]>(this.broker, "workflows.usingAgent", { org_id: orgId, agent_id: agent.id }, [], ctx);
				if (workflowIds.length) {
					throw errors.resourceInUse(`Agent ${agent.name} is used by ${workflowIds.length} workflow(s): remove it from their steps first`, { workflow_ids: workflowIds });
				}
				await this.deleteAgentEverywhere(ctx, agent);
				return null;
			}
		},

		attachTools: {
			rest: "POST /:agent_id/tools",
			access: ["agents:write"],
			audit: { action: "agent.attach_tools" },
			openapi: { summary: "Attach tools to an agent", response: "Agent" },
			params: { agent_id: "string", tool_ids: { type: "array", items: { type: "string", min: 1, max: 64 }, min: 1, max: MAX_TOOLS } },
			async handler(this: AgentsThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const orgId = principal.org_id;
				const toolIds: string[] = ctx.params.tool_ids;
				const agent = await this.requireAgent(orgId, ctx.params.agent_id);
				this.checkToolCount(unique([...agent.tools, ...toolIds]).length);
				const missing = await missingTools(this.broker, ctx, orgId, toolIds, "tool_ids");
				if (missing.length) throw notFoundReferences(missing);
				const updated = await this.commitChange(ctx, orgId, agent, (doc: AgentDoc) => {
					if (doc.status === "archived") throw archived(doc);
					const tools = unique([...doc.tools, ...toolIds]);
					this.checkToolCount(tools.length);
					return { tools };
				}, { source: "tools", actorId: principal.id });
				return presentAgent(updated);
			}
		},

		detachTool: {
			rest: "DELETE /:agent_id/tools/:tool_id",
			access: ["agents:write"],
			audit: { action: "agent.detach_tool" },
			openapi: { summary: "Detach a tool from an agent", status: 204 },
			params: { agent_id: "string", tool_id: "string" },
			async handler(this: AgentsThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const orgId = principal.org_id;
				const { tool_id } = ctx.params;
				const agent = await this.requireAgent(orgId, ctx.params.agent_id);
				await this.commitChange(ctx, orgId, agent, (doc: AgentDoc) => {
					if (!doc.tools.includes(tool_id)) throw errors.notFound("Tool attached to this agent");
					if (doc.status === "archived") throw archived(doc);
					return { tools: doc.tools.filter(t => t !== tool_id) };
				}, { source: "tools", actorId: principal.id });
				return null;
			}
		},

		agentRuns: {
			rest: "GET /:agent_id/runs",
			access: ["agents:read"],
			openapi: { summary: "Runs of an agent", response: "List:Run" },
			params: { agent_id: "string", ...LIST_QUERY, ...RUN_QUERY },
			async handler(this: AgentsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const agent = await this.requireAgent(orgId, ctx.params.agent_id);
				const forwarded: Record<string, unknown> = { agent_id: agent.id };
				for (const key of [...Object.keys(LIST_QUERY), ...Object.keys(RUN_QUERY)]) if (ctx.params[key] !== undefined) forwarded[key] = ctx.params[key];
				const { limit, offset } = listOptions(ctx.params);
				return callIfPresent(this.broker, "runtime.listRuns", forwarded, { items: [], total: 0, limit, offset }, ctx);
			}
		},

		agentCosts: {
			rest: "GET /:agent_id/costs",
			access: ["agents:read"],
			openapi: { summary: "Spend of an agent per day or month", response: "AgentCosts" },
			params: { agent_id: "string", granularity: query({ type: "enum", values: ["day", "month"] }), start: dateTime({ optional: true }), end: dateTime({ optional: true }) },
			async handler(this: AgentsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const window = costWindow(ctx.params);
				const agent = await this.requireAgent(orgId, ctx.params.agent_id);
				const result = await callIfPresent<CostSums>(this.broker, "runtime.costBuckets", { org_id: orgId, agent_id: agent.id, ...window }, { total_cost_usd: 0 }, ctx);
				// The runtime answers every bucket (`items`) or only the non-empty ones (`buckets`, keyed by period start).
				const items = Array.isArray(result.items) ? result.items : fillBuckets(window.granularity, window.start, window.end, result.buckets);
				return { agent_id: agent.id, ...window, total_cost_usd: result.total_cost_usd, items };
			}
		},

		...internalActions
	},

	methods: agentsMethods,

	created(this: AgentsThis) {
		this.historySeq = 0;
	}
};

export default AgentsService;
