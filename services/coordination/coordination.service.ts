import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { IDEMPOTENCY_INDEXES, withIdempotency, type IdempotencyDoc } from "../../lib/idempotency";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Doc, Filter, Repository } from "../../lib/store";
import { writeUnique } from "../../lib/store";
import { toIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query, withBodyChecks } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { POLICIES_CHANGED } from "../../middlewares/trust";
import { deliver } from "./deliver";
import { Inbox } from "./inbox";
import {
	AGENT_REF, CHECK_SCHEMA, CONTENT, CREATE_POLICY_PARAMS, levelProblems, MESSAGE_SCHEMA, POLICY_SCHEMA, presentMessage, presentPolicy, SEND_PARAMS,
	UPDATE_POLICY_PARAMS, type MessageDoc, type OutboundMessage, type PolicyDoc
} from "./model";
import { defaultActions, evaluate, MESSAGE_TYPES, TRUST_ACTIONS, type PolicyRule } from "./trust";

interface CoordinationThis extends PlatformThis {
	repos: { trust_policies: Repository<PolicyDoc>; agent_messages: Repository<MessageDoc>; coordination_idempotency: Repository<IdempotencyDoc>; coordination_deliveries: Repository<Doc> };
	inbox: Inbox;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; idempotencyKey?: string; $statusCode?: number }>;

const TERMINAL = new Set(["completed", "failed", "cancelled", "blocked"]);
const toRule = (d: PolicyDoc): PolicyRule => ({
	id: d.id,
	source_agent_id: d.source_agent_id,
	target_agent_id: d.target_agent_id,
	trust_level: d.trust_level,
	allowed_actions: d.allowed_actions ?? [],
	enabled: d.enabled,
	expires_at: d.expires_at ?? null
});

/**
 * Coordination (§6): trust policies between agents and the messages they exchange. Sending is a call
 * from the source agent to the target's inbox (its actor, on whichever node hosts it), checked by the
 * trust middleware; the inbox hands accepted messages back here to start the target's run and store them.
 */
const CoordinationService: Schema<CoordinationThis> = {
	name: "coordination",
	mixins: [
		StoreMixin({
			trust_policies: [{ fields: ["org_id", "source_agent_id", "target_agent_id"], unique: true }, { fields: ["target_agent_id"] }],
			agent_messages: [{ fields: ["from_agent_id"] }, { fields: ["to_agent_id"] }, { fields: ["in_reply_to"] }],
			coordination_idempotency: IDEMPOTENCY_INDEXES,
			coordination_deliveries: []
		})
	],
	settings: { rest: "/coordination" },
	metadata: { schemas: { AgentMessage: MESSAGE_SCHEMA, TrustPolicy: POLICY_SCHEMA, TrustCheck: CHECK_SCHEMA } },

	actions: {
		sendMessage: {
			rest: "POST /messages",
			access: ["coordination:write"],
			audit: { action: "agent_message.create" },
			openapi: { summary: "Send a message from one agent to another (request and delegate start a run on the target)", status: 201, response: "AgentMessage" },
			params: SEND_PARAMS,
			async handler(this: CoordinationThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				await this.requireAgents(ctx, orgId, p.from_agent_id, p.to_agent_id);
				const type = p.message_type ?? "notify";
				if (p.in_reply_to != null) {
					const original = await this.repos.agent_messages.forOrg(orgId).get(p.in_reply_to);
					if (!original) throw errors.referenceNotFound("in_reply_to", "Message");
					if (type === "response" && (original.from_agent_id !== p.to_agent_id || original.to_agent_id !== p.from_agent_id)) {
						throw errors.fieldError("in_reply_to", "must name a message sent from to_agent_id to from_agent_id");
					}
				}
				const { message } = await this.send(ctx, { org_id: orgId, from_agent_id: p.from_agent_id, to_agent_id: p.to_agent_id, message_type: type, content: p.content, in_reply_to: p.in_reply_to ?? null, metadata: p.metadata ?? {} });
				return message;
			}
		},

		listMessages: {
			rest: "GET /messages",
			access: ["coordination:read"],
			openapi: { summary: "List agent messages", response: "List:AgentMessage" },
			params: {
				...LIST_QUERY,
				agent_id: query({ type: "string", max: 64 }),
				direction: query(
					withBodyChecks({ type: "enum", values: ["inbound", "outbound"] }, q => (q.direction !== undefined && q.agent_id === undefined ? [{ field: "direction", message: "needs agent_id" }] : []))
				),
				message_type: query({ type: "enum", values: [...MESSAGE_TYPES] }),
				in_reply_to: query({ type: "string", max: 64 })
			},
			async handler(this: CoordinationThis, ctx: Ctx) {
				const p = ctx.params;
				const filter: Filter = {};
				if (p.message_type !== undefined) filter.message_type = p.message_type;
				if (p.in_reply_to !== undefined) filter.in_reply_to = p.in_reply_to;
				if (p.agent_id !== undefined) {
					if (p.direction === "inbound") filter.to_agent_id = p.agent_id;
					else if (p.direction === "outbound") filter.from_agent_id = p.agent_id;
					else filter.$or = [{ from_agent_id: p.agent_id }, { to_agent_id: p.agent_id }];
				}
				const page = await this.repos.agent_messages.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(p));
				return { ...page, items: page.items.map(presentMessage) };
			}
		},

		getMessage: {
			rest: "GET /messages/:message_id",
			access: ["coordination:read"],
			openapi: { summary: "Get an agent message", response: "AgentMessage" },
			params: { message_id: "string" },
			async handler(this: CoordinationThis, ctx: Ctx) {
				const doc = await this.repos.agent_messages.forOrg(ctx.meta.principal.org_id).get(ctx.params.message_id);
				if (!doc) throw errors.notFound("Message");
				return presentMessage(doc);
			}
		},

		delegate: {
			rest: "POST /delegate",
			access: ["runtime:execute"],
			audit: { action: "coordination.delegate" },
			openapi: { summary: "Delegate a task to another agent: a run on the target", status: 202, response: "Run" },
			params: {
				from_agent_id: AGENT_REF,
				to_agent_id: AGENT_REF,
				task: CONTENT,
				wait: { type: "boolean", optional: true },
				timeout_seconds: { type: "number", integer: true, min: 1, max: 300, optional: true }
			},
			handler(this: CoordinationThis, ctx: Ctx) {
				return withIdempotency(this.repos.coordination_idempotency, ctx, async () => {
					const p = ctx.params;
					const orgId = ctx.meta.principal.org_id;
					await this.requireAgents(ctx, orgId, p.from_agent_id, p.to_agent_id);
					const { run } = await this.send(ctx, { org_id: orgId, from_agent_id: p.from_agent_id, to_agent_id: p.to_agent_id, message_type: "delegate", content: p.task, in_reply_to: null, metadata: {} });
					if (!p.wait) {
						ctx.meta.$statusCode = 202;
						return run;
					}
					const done: any = await ctx.call("runtime.awaitRun", { org_id: orgId, run_id: run.id, timeout_ms: (p.timeout_seconds ?? 60) * 1000 }, { timeout: 0 });
					ctx.meta.$statusCode = done && TERMINAL.has(done.status) ? 200 : 202;
					return done ?? run;
				});
			}
		},

		createPolicy: {
			rest: "POST /trust-policies",
			access: ["coordination:write"],
			audit: { action: "trust_policy.create" },
			openapi: { summary: "Create a trust policy source → target", status: 201, response: "TrustPolicy" },
			params: CREATE_POLICY_PARAMS,
			async handler(this: CoordinationThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				await this.requireAgents(ctx, orgId, p.source_agent_id, p.target_agent_id, ["source_agent_id", "target_agent_id"]);
				const doc = await writeUnique("target_agent_id", p.target_agent_id, () =>
					this.repos.trust_policies.forOrg(orgId).insert({
						id: newId("tpol"),
						source_agent_id: p.source_agent_id,
						target_agent_id: p.target_agent_id,
						trust_level: p.trust_level,
						allowed_actions: p.allowed_actions ?? defaultActions(p.trust_level),
						enabled: p.enabled ?? true,
						expires_at: p.expires_at ? toIso(p.expires_at) : null,
						description: p.description ?? ""
					})
				);
				await this.policiesChanged(ctx, orgId);
				return presentPolicy(doc);
			}
		},

		listPolicies: {
			rest: "GET /trust-policies",
			access: ["coordination:read"],
			openapi: { summary: "List trust policies", response: "List:TrustPolicy" },
			params: { ...LIST_QUERY, source_agent_id: query({ type: "string", max: 64 }), target_agent_id: query({ type: "string", max: 64 }), enabled: query({ type: "boolean" }) },
			async handler(this: CoordinationThis, ctx: Ctx) {
				const p = ctx.params;
				const filter: Filter = {};
				for (const key of ["source_agent_id", "target_agent_id", "enabled"]) if (p[key] !== undefined) filter[key] = p[key];
				const page = await this.repos.trust_policies.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(p));
				return { ...page, items: page.items.map(presentPolicy) };
			}
		},

		getPolicy: {
			rest: "GET /trust-policies/:policy_id",
			access: ["coordination:read"],
			openapi: { summary: "Get a trust policy", response: "TrustPolicy" },
			params: { policy_id: "string" },
			async handler(this: CoordinationThis, ctx: Ctx) {
				return presentPolicy(await this.requirePolicy(ctx, ctx.params.policy_id));
			}
		},

		updatePolicy: {
			rest: "PUT /trust-policies/:policy_id",
			access: ["coordination:write"],
			audit: { action: "trust_policy.update" },
			openapi: { summary: "Change a trust policy", response: "TrustPolicy" },
			params: UPDATE_POLICY_PARAMS,
			async handler(this: CoordinationThis, ctx: Ctx) {
				const p = ctx.params;
				const policy = await this.requirePolicy(ctx, p.policy_id);
				const problems: errors.FieldProblem[] = (["source_agent_id", "target_agent_id"] as const)
					.filter(f => p[f] !== undefined && p[f] !== policy[f])
					.map(f => ({ field: f, message: "is immutable: delete the policy and create another" }));
				problems.push(...levelProblems(p.trust_level ?? policy.trust_level, p.allowed_actions ?? policy.allowed_actions));
				if (problems.length) throw errors.validation(problems);
				const set: Partial<PolicyDoc> = {};
				for (const key of ["trust_level", "allowed_actions", "enabled", "description"] as const) if (p[key] !== undefined) (set as any)[key] = p[key];
				if (p.expires_at !== undefined) set.expires_at = p.expires_at === null ? null : toIso(p.expires_at);
				const updated = (await this.repos.trust_policies.forOrg(policy.org_id).update(policy.id, set)) as PolicyDoc;
				await this.policiesChanged(ctx, policy.org_id);
				return presentPolicy(updated);
			}
		},

		deletePolicy: {
			rest: "DELETE /trust-policies/:policy_id",
			access: ["coordination:write"],
			audit: { action: "trust_policy.delete" },
			openapi: { summary: "Delete a trust policy", status: 204 },
			params: { policy_id: "string" },
			async handler(this: CoordinationThis, ctx: Ctx) {
				const policy = await this.requirePolicy(ctx, ctx.params.policy_id);
				await this.repos.trust_policies.forOrg(policy.org_id).delete(policy.id);
				await this.policiesChanged(ctx, policy.org_id);
				return null;
			}
		},

		checkPolicy: {
			rest: "POST /trust-policies/check",
			access: ["coordination:read"],
			openapi: { summary: "Would this agent-to-agent action be allowed? (sends nothing)", response: "TrustCheck" },
			params: { source_agent_id: AGENT_REF, target_agent_id: AGENT_REF, action: { type: "enum", values: [...TRUST_ACTIONS] } },
			async handler(this: CoordinationThis, ctx: Ctx) {
				const p = ctx.params;
				const policy = await this.repos.trust_policies.forOrg(ctx.meta.principal.org_id).findOne({ source_agent_id: p.source_agent_id, target_agent_id: p.target_agent_id });
				return evaluate(policy ? toRule(policy) : null, p.action);
			}
		},

		// Internal actions.

		/** Every trust policy of an org, for the trust middleware's per-node cache. */
		policiesFor: {
			visibility: "public",
			params: { org_id: "string" },
			async handler(this: CoordinationThis, ctx: Context<{ org_id: string }>) {
				return (await this.repos.trust_policies.forOrg(ctx.params.org_id).find()).map(toRule);
			}
		},

		/** The inbox of agents without a deployed actor (drafts, suspended agents, clusters without runtime nodes). */
		deliver: {
			visibility: "public",
			trust: true,
			params: { id: "string", org_id: "string", from_agent_id: "string", to_agent_id: "string", message_type: "string", content: "string" },
			handler(this: CoordinationThis, ctx: Context<OutboundMessage, any>) {
				return this.inbox.receive(ctx, ctx.params);
			}
		},

		/** Called by an inbox once the trust middleware let the message through. */
		receive: {
			visibility: "public",
			params: { id: "string", org_id: "string", from_agent_id: "string", to_agent_id: "string", message_type: "string", content: "string" },
			handler(this: CoordinationThis, ctx: Context<OutboundMessage, any>) {
				return this.inbox.receive(ctx, ctx.params);
			}
		},

		/** A deleted agent's trust policies go with it; its messages stay, as the record of what was said (like its runs). */
		purgeAgent: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string" },
			async handler(this: CoordinationThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const { org_id, agent_id } = ctx.params;
				const policies = await this.repos.trust_policies.forOrg(org_id).deleteMany({ $or: [{ source_agent_id: agent_id }, { target_agent_id: agent_id }] });
				if (policies) await this.policiesChanged(ctx, org_id);
				return { deleted: policies };
			}
		},

		/** Agents whose agent-scoped memory `agent_id` may read (share_memory policies towards it, §4). */
		sharedMemorySources: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string" },
			async handler(this: CoordinationThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const policies = await this.repos.trust_policies.forOrg(ctx.params.org_id).find({ target_agent_id: ctx.params.agent_id, enabled: true });
				return policies.filter(p => evaluate(toRule(p), "share_memory").allowed).map(p => p.source_agent_id);
			}
		},

		/** The agents `agent_id` may currently message or delegate to, with their names (the built-in run tools). */
		toolTargets: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string" },
			async handler(this: CoordinationThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const { org_id, agent_id } = ctx.params;
				const policies = await this.repos.trust_policies.forOrg(org_id).find({ source_agent_id: agent_id, enabled: true });
				const targets = [];
				for (const p of policies) {
					const actions = (["message", "delegate"] as const).filter(a => evaluate(toRule(p), a).allowed);
					const agent: any = await callIfPresent(this.broker, "agents.get", { org_id, agent_id: p.target_agent_id }, null, ctx);
					targets.push({ agent_id: p.target_agent_id, name: agent?.name ?? p.target_agent_id, actions });
				}
				return { has_policies: policies.length > 0, targets };
			}
		}
	},

	events: {
		async "run.completed"(this: CoordinationThis, ctx: Context<{ org_id: string; run: any }>) {
			await this.inbox.runCompleted(ctx.params.org_id, ctx.params.run);
		}
	},

	methods: {
		/** Sends through the target's inbox; `origin_run_id` is null for messages sent through the API. */
		send(this: CoordinationThis, ctx: Ctx, fields: Omit<OutboundMessage, "id" | "origin_run_id">) {
			return deliver(ctx, { id: newId("msg"), origin_run_id: null, ...fields }, { timeout: 0 });
		},

		async requireAgents(this: CoordinationThis, ctx: Ctx, orgId: string, from: string, to: string, fields = ["from_agent_id", "to_agent_id"]) {
			for (const [field, agentId] of [[fields[0], from], [fields[1], to]]) {
				const exists = await callIfPresent(this.broker, "agents.exists", { org_id: orgId, agent_id: agentId }, false, ctx);
				if (!exists) throw errors.referenceNotFound(field, "Agent");
			}
		},

		async requirePolicy(this: CoordinationThis, ctx: Ctx, id: string): Promise<PolicyDoc> {
			const policy = await this.repos.trust_policies.forOrg(ctx.meta.principal.org_id).get(id);
			if (!policy) throw errors.notFound("Trust policy");
			return policy;
		},

		/** Every node's trust cache drops the org's policies (published before the change's response). */
		policiesChanged(this: CoordinationThis, ctx: Context, orgId: string) {
			return ctx.broadcast(POLICIES_CHANGED, { org_id: orgId });
		}
	},

	started(this: CoordinationThis) {
		this.inbox = new Inbox(this.broker, this.repos.agent_messages, this.repos.coordination_deliveries);
	}
};

export default CoordinationService;
