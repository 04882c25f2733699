import type { Context } from "moleculer";
import { actionsNamed, callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { RUN_QUERY } from "../runtime/runs";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Filter, Page, Repository, Scope } from "../../lib/store";
import { UniqueViolation, writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { CREATED_RANGE_QUERY, dateTime, LIST_QUERY, listOptions, query, substringFilter, withCreatedRange } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { costWindow, fillBuckets, type CostBucket } from "./costs";
import {
	AGENT_COSTS_SCHEMA,
	AGENT_SCHEMA,
	AGENT_STATUSES,
	AGENT_VERSION_SCHEMA,
	agentFieldRules,
	configOf,
	DEFAULT_CONFIG,
	HISTORY_ENTRY_SCHEMA,
	HISTORY_KINDS,
	MAX_COLLECTIONS,
	MAX_TOOLS,
	presentAgent,
	presentHistory,
	presentVersion,
	unique,
	VERSION_SOURCES,
	VERSIONED_FIELDS,
	type AgentConfig,
	type AgentDoc,
	type AgentStatus,
	type HistoryDoc,
	type VersionDoc,
	type VersionSource
} from "./model";
import { checkModel, checkReferences, missingTools, notFoundReferences } from "./references";
import { pickWritable, planChange, type AgentPatch } from "./versioning";

interface AgentsThis extends PlatformThis {
	repos: { agents: Repository<AgentDoc>; agent_versions: Repository<VersionDoc>; agent_history: Repository<HistoryDoc> };
	historySeq: number;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal }>;

interface CostSums {
	total_cost_usd: number;
	items?: CostBucket[];
	buckets?: Record<string, Partial<CostBucket>>;
}

interface ChangeOptions {
	source: VersionSource;
	actorId: string | null;
	/** Append a version even when no versioned field changes (rollback). */
	forceVersion?: boolean;
}

const RUNNABLE: AgentStatus[] = ["testing", "active"];
const ORG_AGENT = { org_id: "string", agent_id: "string" };

const archived = (doc: AgentDoc) => errors.conflict("AGENT_ARCHIVED", `Agent ${doc.name} is archived: archived agents cannot be changed`);

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

		// Internal actions (runtime, lifecycle, tools, knowledge, prompts, workflows, admin).

		exists: {
			visibility: "public",
			params: ORG_AGENT,
			async handler(this: AgentsThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				return (await this.agentsOf(ctx.params.org_id).count({ id: ctx.params.agent_id })) > 0;
			}
		},

		get: {
			visibility: "public",
			params: ORG_AGENT,
			async handler(this: AgentsThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const doc = await this.agentsOf(ctx.params.org_id).get(ctx.params.agent_id);
				return doc ? presentAgent(doc) : null;
			}
		},

		/** The agent and the configuration of one version (current when omitted); null when either does not exist. */
		getForRun: {
			visibility: "public",
			params: { ...ORG_AGENT, version: { type: "number", integer: true, min: 1, optional: true, nullable: true } },
			async handler(this: AgentsThis, ctx: Context<{ org_id: string; agent_id: string; version?: number | null }>) {
				const { org_id, agent_id } = ctx.params;
				const doc = await this.agentsOf(org_id).get(agent_id);
				if (!doc) return null;
				const version = ctx.params.version ?? doc.version;
				if (version === doc.version) return { agent: presentAgent(doc), config: configOf(doc), version };
				const snapshot = await this.versionsOf(org_id).findOne({ agent_id, version });
				return snapshot ? { agent: presentAgent(doc), config: snapshot.config, version } : null;
			}
		},

		countAll: {
			visibility: "public",
			params: { org_id: { type: "string", optional: true } },
			handler(this: AgentsThis, ctx: Context<{ org_id?: string }>) {
				const { org_id } = ctx.params;
				return org_id ? this.agentsOf(org_id).count() : this.repos.agents.platformWide().count();
			}
		},

		/** Every agent that should have a deployed actor: status testing or active, across orgs. */
		listRunnable: {
			visibility: "public",
			async handler(this: AgentsThis) {
				const docs = await this.repos.agents.platformWide().find({ status: { $in: RUNNABLE } });
				return docs.map(d => ({ org_id: d.org_id, agent_id: d.id, name: d.name, status: d.status, version: d.version }));
			}
		},

		usingTool: {
			visibility: "public",
			params: { org_id: "string", tool_id: "string" },
			async handler(this: AgentsThis, ctx: Context<{ org_id: string; tool_id: string }>) {
				return (await this.agentsOf(ctx.params.org_id).find({ tools: ctx.params.tool_id })).map((d: AgentDoc) => d.id);
			}
		},

		detachToolEverywhere: {
			visibility: "public",
			params: { org_id: "string", tool_id: "string" },
			async handler(this: AgentsThis, ctx: Context<{ org_id: string; tool_id: string }>) {
				const { org_id, tool_id } = ctx.params;
				return this.removeEverywhere(ctx, org_id, "tools", tool_id, "tools");
			}
		},

		usingCollection: {
			visibility: "public",
			params: { org_id: "string", collection_id: "string" },
			async handler(this: AgentsThis, ctx: Context<{ org_id: string; collection_id: string }>) {
				return (await this.agentsOf(ctx.params.org_id).find({ knowledge_collection_ids: ctx.params.collection_id })).map((d: AgentDoc) => d.id);
			}
		},

		/** §20 row 11: appends the collection (new version). 404 agent; 409 AGENT_ARCHIVED, ALREADY_EXISTS; 400 over 20. */
		attachCollection: {
			visibility: "public",
			params: { ...ORG_AGENT, collection_id: "string", actor_id: { type: "string", optional: true, nullable: true } },
			async handler(this: AgentsThis, ctx: Context<any>) {
				const { org_id, agent_id, collection_id } = ctx.params;
				const updated = await this.commitChange(ctx, org_id, agent_id, (doc: AgentDoc) => {
					if (doc.status === "archived") throw archived(doc);
					if (doc.knowledge_collection_ids.includes(collection_id)) throw errors.alreadyExists("agent_id", agent_id);
					if (doc.knowledge_collection_ids.length >= MAX_COLLECTIONS) {
						throw errors.fieldError("agent_id", `the agent already has ${MAX_COLLECTIONS} knowledge collections`);
					}
					return { knowledge_collection_ids: [...doc.knowledge_collection_ids, collection_id] };
				}, { source: "knowledge", actorId: ctx.params.actor_id ?? null });
				return presentAgent(updated);
			}
		},

		/** §20 row 12: 404 agent or not attached; 409 AGENT_ARCHIVED. */
		detachCollection: {
			visibility: "public",
			params: { ...ORG_AGENT, collection_id: "string", actor_id: { type: "string", optional: true, nullable: true } },
			async handler(this: AgentsThis, ctx: Context<any>) {
				const { org_id, agent_id, collection_id } = ctx.params;
				const updated = await this.commitChange(ctx, org_id, agent_id, (doc: AgentDoc) => {
					if (!doc.knowledge_collection_ids.includes(collection_id)) throw errors.notFound("Collection attached to this agent");
					if (doc.status === "archived") throw archived(doc);
					return { knowledge_collection_ids: doc.knowledge_collection_ids.filter(c => c !== collection_id) };
				}, { source: "knowledge", actorId: ctx.params.actor_id ?? null });
				return presentAgent(updated);
			}
		},

		detachCollectionEverywhere: {
			visibility: "public",
			params: { org_id: "string", collection_id: "string" },
			async handler(this: AgentsThis, ctx: Context<{ org_id: string; collection_id: string }>) {
				const { org_id, collection_id } = ctx.params;
				return this.removeEverywhere(ctx, org_id, "knowledge_collection_ids", collection_id, "knowledge");
			}
		},

		usingPrompt: {
			visibility: "public",
			params: { org_id: "string", prompt_id: "string" },
			async handler(this: AgentsThis, ctx: Context<{ org_id: string; prompt_id: string }>) {
				return (await this.agentsOf(ctx.params.org_id).find({ prompt_id: ctx.params.prompt_id })).map((d: AgentDoc) => d.id);
			}
		},

		/**
		 * Replaces the configuration (rollback, A/B winner): 404 agent, 409 AGENT_ARCHIVED. With `force_version`
		 * a version is appended even when the configuration is unchanged.
		 */
		applyConfig: {
			visibility: "public",
			params: {
				...ORG_AGENT,
				config: "object",
				source: { type: "enum", values: [...VERSION_SOURCES] },
				actor_id: { type: "string", optional: true, nullable: true },
				force_version: { type: "boolean", optional: true }
			},
			async handler(this: AgentsThis, ctx: Context<any>) {
				const { org_id, agent_id, config, source } = ctx.params;
				const patch: Record<string, unknown> = {};
				for (const field of VERSIONED_FIELDS) if (config[field] !== undefined) patch[field] = config[field];
				const updated = await this.commitChange(ctx, org_id, agent_id, (doc: AgentDoc) => {
					if (doc.status === "archived") throw archived(doc);
					return patch as AgentPatch;
				}, { source, actorId: ctx.params.actor_id ?? null, forceVersion: !!ctx.params.force_version });
				return presentAgent(updated);
			}
		},

		/** Lifecycle view of an agent; null when it does not exist. */
		stateOf: {
			visibility: "public",
			params: ORG_AGENT,
			async handler(this: AgentsThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const doc = await this.agentsOf(ctx.params.org_id).get(ctx.params.agent_id);
				return doc ? this.stateView(doc) : null;
			}
		},

		/**
		 * Moves the agent from `from` to `to` (compare-and-set) and writes the `transition` history entry.
		 * 404 when the agent does not exist; 409 INVALID_STATE_TRANSITION when its status is no longer `from`.
		 */
		setStatus: {
			visibility: "public",
			params: {
				...ORG_AGENT,
				from: { type: "enum", values: [...AGENT_STATUSES] },
				to: { type: "enum", values: [...AGENT_STATUSES] },
				reason: { type: "string", optional: true, nullable: true },
				actor_id: { type: "string", optional: true, nullable: true }
			},
			async handler(this: AgentsThis, ctx: Context<any>) {
				const { org_id, agent_id, from, to } = ctx.params;
				const now = nowIso();
				const scope = this.agentsOf(org_id);
				const updated = await scope.updateWhere({ id: agent_id, status: from }, { $set: { status: to, last_transition_at: now, updated_at: now } });
				if (!updated) {
					const current = await scope.get(agent_id);
					if (!current) throw errors.notFound("Agent");
					throw errors.invalidStateTransition(current.status, to);
				}
				const entry = await this.writeHistory(org_id, agent_id, {
					kind: "transition",
					from_state: from,
					to_state: to,
					reason: ctx.params.reason ?? null,
					actor_id: ctx.params.actor_id ?? null
				});
				return { state: this.stateView(updated), entry: presentHistory(entry) };
			}
		},

		recordHistory: {
			visibility: "public",
			params: {
				...ORG_AGENT,
				kind: { type: "enum", values: [...HISTORY_KINDS] },
				from_state: { type: "enum", values: [...AGENT_STATUSES], optional: true, nullable: true },
				to_state: { type: "enum", values: [...AGENT_STATUSES], optional: true, nullable: true },
				version: { type: "number", integer: true, optional: true, nullable: true },
				ab_test_id: { type: "string", optional: true, nullable: true },
				reason: { type: "string", optional: true, nullable: true },
				actor_id: { type: "string", optional: true, nullable: true }
			},
			async handler(this: AgentsThis, ctx: Context<any>) {
				const { org_id, agent_id, ...fields } = ctx.params;
				if (!(await this.agentsOf(org_id).get(agent_id))) throw errors.notFound("Agent");
				return presentHistory(await this.writeHistory(org_id, agent_id, fields));
			}
		},

		/** Versions of an agent, `version` descending unless `order: "asc"`; null when the agent does not exist. */
		listVersions: {
			visibility: "public",
			params: { ...ORG_AGENT, limit: { type: "number", optional: true }, offset: { type: "number", optional: true }, order: { type: "string", optional: true } },
			async handler(this: AgentsThis, ctx: Context<any>): Promise<Page<unknown> | null> {
				const { org_id, agent_id } = ctx.params;
				if (!(await this.agentsOf(org_id).get(agent_id))) return null;
				const opts = listOptions(ctx.params);
				const dir = opts.order === "asc" ? 1 : -1;
				const page = await this.versionsOf(org_id).list({ agent_id }, { ...opts, sort: { version: dir } });
				return { ...page, items: page.items.map(presentVersion) };
			}
		},

		getVersion: {
			visibility: "public",
			params: { ...ORG_AGENT, version: { type: "number", integer: true } },
			async handler(this: AgentsThis, ctx: Context<any>) {
				const { org_id, agent_id, version } = ctx.params;
				const doc = await this.versionsOf(org_id).findOne({ agent_id, version });
				return doc ? presentVersion(doc) : null;
			}
		},

		/** History of an agent, newest first unless `order: "asc"`; null when the agent does not exist. */
		listHistory: {
			visibility: "public",
			params: {
				...ORG_AGENT,
				kind: { type: "string", optional: true },
				limit: { type: "number", optional: true },
				offset: { type: "number", optional: true },
				order: { type: "string", optional: true }
			},
			async handler(this: AgentsThis, ctx: Context<any>): Promise<Page<unknown> | null> {
				const { org_id, agent_id, kind } = ctx.params;
				if (!(await this.agentsOf(org_id).get(agent_id))) return null;
				const opts = listOptions(ctx.params);
				const dir = opts.order === "asc" ? 1 : -1;
				const filter: Filter = { agent_id };
				if (kind) filter.kind = kind;
				const page = await this.historyOf(org_id).list(filter, { ...opts, sort: { created_at: dir, seq: dir } });
				return { ...page, items: page.items.map(presentHistory) };
			}
		}
	},

	methods: {
		agentsOf(this: AgentsThis, orgId: string): Scope<AgentDoc> {
			return this.repos.agents.forOrg(orgId);
		},

		versionsOf(this: AgentsThis, orgId: string): Scope<VersionDoc> {
			return this.repos.agent_versions.forOrg(orgId);
		},

		historyOf(this: AgentsThis, orgId: string): Scope<HistoryDoc> {
			return this.repos.agent_history.forOrg(orgId);
		},

		async requireAgent(this: AgentsThis, orgId: string, id: string): Promise<AgentDoc> {
			const doc = await this.agentsOf(orgId).get(id);
			if (!doc) throw errors.notFound("Agent");
			return doc;
		},

		checkToolCount(this: AgentsThis, count: number) {
			if (count > MAX_TOOLS) throw errors.fieldError("tool_ids", `the agent would have ${count} tools; at most ${MAX_TOOLS} can be attached`);
		},

		stateView(this: AgentsThis, doc: AgentDoc) {
			return {
				agent_id: doc.id,
				status: doc.status,
				version: doc.version,
				last_transition_at: doc.last_transition_at ?? null,
				created_at: doc.created_at,
				updated_at: doc.updated_at
			};
		},

		/** Inserts the agent and its version 1; 409 when the name is taken. */
		async insertAgent(this: AgentsThis, orgId: string, patch: AgentPatch, createdBy: string): Promise<AgentDoc> {
			const id = newId("agt");
			const config = configOf({ ...DEFAULT_CONFIG, ...patch } as AgentDoc);
			const doc = await writeUnique<AgentDoc>("name", patch.name, () =>
				this.agentsOf(orgId).insert({
					id,
					name: patch.name as string,
					...config,
					tags: patch.tags ?? [],
					team: patch.team ?? null,
					status: "draft",
					version: 1,
					metadata: patch.metadata ?? {},
					created_by: createdBy,
					last_transition_at: null
				})
			);
			try {
				await this.insertVersion(orgId, id, 1, config, [...VERSIONED_FIELDS], "create", createdBy);
			} catch (err) {
				await this.agentsOf(orgId).delete(id);
				throw err;
			}
			return doc;
		},

		insertVersion(this: AgentsThis, orgId: string, agentId: string, version: number, config: AgentConfig, changed: string[], source: VersionSource, createdBy: string | null) {
			return this.versionsOf(orgId).insert({ id: newId("ver"), agent_id: agentId, version, config: configOf(config), changed_fields: changed, source, created_by: createdBy });
		},

		/**
		 * Applies `build(current agent)` to the agent (its id, or the agent as just read). A change of a versioned
		 * field (or `forceVersion`) appends the next version; the unique (agent, version) index serialises
		 * concurrent writers, who retry on the fresh agent. `build` may throw (archived, not attached…).
		 * Emits `agent.updated` when anything changed.
		 */
		async commitChange(this: AgentsThis, ctx: Context, orgId: string, agent: AgentDoc | string, build: (doc: AgentDoc) => AgentPatch, opts: ChangeOptions): Promise<AgentDoc> {
			const scope = this.agentsOf(orgId);
			const agentId = typeof agent === "string" ? agent : agent.id;
			// A caller that has just read the agent passes it: only a retry reads it again.
			let known = typeof agent === "string" ? null : agent;
			for (let attempt = 0; attempt < 10; attempt++) {
				const doc = known ?? (await this.requireAgent(orgId, agentId));
				known = null;
				const plan = planChange(doc, build(doc));
				const newVersion = plan.versioned.length > 0 || !!opts.forceVersion;
				if (!plan.changed.length && !newVersion) return doc;
				let updated: AgentDoc | null;
				if (!newVersion) {
					updated = await writeUnique("name", plan.set.name, () => scope.update(agentId, plan.set));
				} else {
					const next = doc.version + 1;
					try {
						await this.insertVersion(orgId, agentId, next, { ...doc, ...plan.set }, plan.versioned, opts.source, opts.actorId);
					} catch (err) {
						if (err instanceof UniqueViolation) continue;
						throw err;
					}
					const set = { ...plan.set, version: next, updated_at: nowIso() };
					let swapped: AgentDoc | null = null;
					try {
						swapped = await writeUnique("name", plan.set.name, () => scope.updateWhere({ id: agentId, version: doc.version }, { $set: set }));
					} finally {
						if (!swapped) await this.versionsOf(orgId).deleteMany({ agent_id: agentId, version: next });
					}
					if (!swapped) continue;
					updated = swapped;
				}
				if (!updated) throw errors.notFound("Agent");
				ctx.broadcast("agent.updated", { org_id: orgId, agent_id: agentId, name: updated.name, changed_fields: plan.changed, version: updated.version });
				return updated;
			}
			throw errors.serviceUnavailable("The agent is being changed concurrently: retry the request");
		},

		/** Removes an id from one list field of every agent of the org that holds it (new versions); the agent ids. */
		async removeEverywhere(this: AgentsThis, ctx: Context, orgId: string, field: "tools" | "knowledge_collection_ids", id: string, source: VersionSource): Promise<string[]> {
			const holders = await this.agentsOf(orgId).find({ [field]: id });
			for (const holder of holders) {
				await this.commitChange(ctx, orgId, holder, (doc: AgentDoc) => ({ [field]: doc[field].filter(x => x !== id) }), { source, actorId: null });
			}
			return holders.map((h: AgentDoc) => h.id);
		},

		async writeHistory(this: AgentsThis, orgId: string, agentId: string, fields: Partial<HistoryDoc>): Promise<HistoryDoc> {
			this.historySeq = (this.historySeq + 1) % 1000;
			return this.historyOf(orgId).insert({
				id: newId("hist"),
				agent_id: agentId,
				kind: fields.kind,
				from_state: fields.from_state ?? null,
				to_state: fields.to_state ?? null,
				version: fields.version ?? null,
				ab_test_id: fields.ab_test_id ?? null,
				reason: fields.reason ?? null,
				actor_id: fields.actor_id ?? null,
				seq: Date.now() * 1000 + this.historySeq
			});
		},

		/** Other services drop what they hold for the agent (`purgeAgent`), then its own records go. */
		async deleteAgentEverywhere(this: AgentsThis, ctx: Context, agent: AgentDoc) {
			const params = { org_id: agent.org_id, agent_id: agent.id };
			for (const action of actionsNamed(this.broker, "purgeAgent")) await ctx.call(action, params);
			await this.versionsOf(agent.org_id).deleteMany({ agent_id: agent.id });
			await this.historyOf(agent.org_id).deleteMany({ agent_id: agent.id });
			await this.agentsOf(agent.org_id).delete(agent.id);
			ctx.broadcast("agent.deleted", { ...params, name: agent.name, version: agent.version });
		}
	},

	created(this: AgentsThis) {
		this.historySeq = 0;
	}
};

export default AgentsService;
