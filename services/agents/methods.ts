import type { Context } from "moleculer";
import { actionsNamed } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Schema } from "../../lib/schema";
import type { Scope } from "../../lib/store";
import { UniqueViolation, writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { configOf, DEFAULT_CONFIG, MAX_TOOLS, VERSIONED_FIELDS, type AgentConfig, type AgentDoc, type HistoryDoc, type VersionDoc, type VersionSource } from "./model";
import { planChange, type AgentPatch } from "./versioning";
import type { AgentsThis, ChangeOptions } from "./service-model";

/** The agents service's methods: store scopes, versioned changes, history and the views other services read. */
export const agentsMethods: NonNullable<Schema<AgentsThis>["methods"]> = {
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
};
