import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import type { Schema } from "../../lib/schema";
import type { Filter, Page } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { listOptions } from "../../lib/validation";
import {
	AGENT_STATUSES,
	configOf,
	HISTORY_KINDS,
	MAX_COLLECTIONS,
	presentAgent,
	presentHistory,
	presentVersion,
	VERSION_SOURCES,
	VERSIONED_FIELDS,
	type AgentDoc
} from "./model";
import type { AgentPatch } from "./versioning";
import { archived, ORG_AGENT, RUNNABLE, type AgentsThis } from "./service-model";

/** Actions other services call (runtime, lifecycle, tools, knowledge, prompts, workflows, admin); none is routed. */
export const internalActions: NonNullable<Schema<AgentsThis>["actions"]> = {
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
};
