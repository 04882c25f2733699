import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Page } from "../../lib/store";
import { LIST_QUERY, listOptions, query } from "../../lib/validation";
import { AGENT_STATUSES, HISTORY_KINDS, type AgentStatus } from "../agents/model";
import { allowedTransitions, canTransition } from "./state-machine";

interface LifecycleThis {
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal }>;

interface AgentState {
	agent_id: string;
	status: AgentStatus;
	version: number;
	last_transition_at: string | null;
	created_at: string;
	updated_at: string;
}

const VERSION_NUMBER = /^[1-9][0-9]{0,8}$/;

const LIFECYCLE_STATE_SCHEMA = {
	type: "object",
	properties: {
		agent_id: { type: "string" },
		status: { enum: [...AGENT_STATUSES] },
		version: { type: "integer" },
		allowed_transitions: { type: "array", items: { enum: [...AGENT_STATUSES] } },
		active_ab_test_id: { type: ["string", "null"] },
		last_transition_at: { type: ["string", "null"], format: "date-time" },
		created_at: { type: "string", format: "date-time" },
		updated_at: { type: "string", format: "date-time" }
	}
};

const LifecycleService: Schema<LifecycleThis> = {
	name: "lifecycle",
	settings: { rest: "/lifecycle" },
	metadata: { schemas: { LifecycleState: LIFECYCLE_STATE_SCHEMA } },

	actions: {
		getState: {
			rest: "GET /:agent_id",
			access: ["lifecycle:read"],
			openapi: { summary: "Lifecycle state of an agent", response: "LifecycleState" },
			params: { agent_id: "string" },
			async handler(this: LifecycleThis, ctx: Ctx) {
				return this.present(await this.requireState(ctx, ctx.params.agent_id));
			}
		},

		promote: {
			rest: "POST /:agent_id/promote",
			access: ["lifecycle:write"],
			audit: { action: "lifecycle.promote" },
			openapi: { summary: "Move an agent to another state", response: "LifecycleState" },
			params: {
				agent_id: "string",
				target_state: { type: "enum", values: [...AGENT_STATUSES] },
				reason: { type: "string", max: 500, optional: true, nullable: true }
			},
			async handler(this: LifecycleThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const orgId = principal.org_id;
				const { target_state: to } = ctx.params;
				const reason: string | null = ctx.params.reason ?? null;
				const current = await this.requireState(ctx, ctx.params.agent_id);
				if (!canTransition(current.status, to)) throw errors.invalidStateTransition(current.status, to);
				const { state } = await ctx.call<{ state: AgentState }, any>("agents.setStatus", {
					org_id: orgId,
					agent_id: current.agent_id,
					from: current.status,
					to,
					reason,
					actor_id: principal.id
				});
				ctx.broadcast("lifecycle.promoted", { org_id: orgId, agent_id: current.agent_id, from_state: current.status, to_state: to, reason });
				if (to === "archived") {
					await callIfPresent(this.broker, "runtime.cancelQueuedForAgent", { org_id: orgId, agent_id: current.agent_id, code: "AGENT_ARCHIVED" }, null, ctx);
				}
				return this.present(state);
			}
		},

		listVersions: {
			rest: "GET /:agent_id/versions",
			access: ["lifecycle:read"],
			openapi: { summary: "Configuration versions of an agent, newest first", response: "List:AgentVersion" },
			params: { agent_id: "string", ...LIST_QUERY },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const page = await ctx.call<Page<unknown> | null, any>("agents.listVersions", {
					org_id: ctx.meta.principal.org_id,
					agent_id: ctx.params.agent_id,
					...listOptions(ctx.params)
				});
				if (!page) throw errors.notFound("Agent");
				return page;
			}
		},

		getVersion: {
			rest: "GET /:agent_id/versions/:version",
			access: ["lifecycle:read"],
			openapi: { summary: "One configuration version of an agent", response: "AgentVersion" },
			params: { agent_id: "string", version: "string" },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const { agent_id, version } = ctx.params;
				if (!VERSION_NUMBER.test(version)) throw errors.notFound("Version");
				const doc = await ctx.call("agents.getVersion", { org_id: ctx.meta.principal.org_id, agent_id, version: Number(version) });
				if (!doc) throw errors.notFound("Version");
				return doc;
			}
		},

		listHistory: {
			rest: "GET /:agent_id/history",
			access: ["lifecycle:read"],
			openapi: { summary: "Lifecycle history of an agent", response: "List:HistoryEntry" },
			params: { agent_id: "string", ...LIST_QUERY, kind: query({ type: "enum", values: [...HISTORY_KINDS] }) },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const page = await ctx.call<Page<unknown> | null, any>("agents.listHistory", {
					org_id: ctx.meta.principal.org_id,
					agent_id: ctx.params.agent_id,
					kind: ctx.params.kind,
					...listOptions(ctx.params)
				});
				if (!page) throw errors.notFound("Agent");
				return page;
			}
		}
	},

	methods: {
		async requireState(this: LifecycleThis, ctx: Ctx, agentId: string): Promise<AgentState> {
			const state = await ctx.call<AgentState | null, any>("agents.stateOf", { org_id: ctx.meta.principal.org_id, agent_id: agentId });
			if (!state) throw errors.notFound("Agent");
			return state;
		},

		present(this: LifecycleThis, state: AgentState) {
			return {
				agent_id: state.agent_id,
				status: state.status,
				version: state.version,
				allowed_transitions: allowedTransitions(state.status),
				active_ab_test_id: null,
				last_transition_at: state.last_transition_at,
				created_at: state.created_at,
				updated_at: state.updated_at
			};
		}
	}
};

export default LifecycleService;
