import type { Context } from "moleculer";
import type { Principal } from "../../lib/principal";
import type { Repository } from "../../lib/store";
import type { PlatformThis } from "../../mixins/platform.mixin";
import { AGENT_STATUSES, type AgentStatus } from "../agents/model";
import type { AbSessionDoc, AbTestDoc, RawMetrics } from "./ab-tests";

// The lifecycle service's shape (its `this` and context), the agent state it reads, and its schemas.
export interface LifecycleThis extends PlatformThis {
	repos: { ab_tests: Repository<AbTestDoc>; ab_sessions: Repository<AbSessionDoc> };
	[k: string]: any;
}

export type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

export interface AgentState {
	agent_id: string;
	status: AgentStatus;
	version: number;
	last_transition_at: string | null;
	created_at: string;
	updated_at: string;
}

export type AbMetrics = { a: RawMetrics; b: RawMetrics } | null;

export const VERSION_NUMBER = /^[1-9][0-9]{0,8}$/;
export const AB_RUNNABLE: AgentStatus[] = ["testing", "active"];

export const LIFECYCLE_STATE_SCHEMA = {
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
