import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import type { Principal } from "../../lib/principal";
import type { Repository } from "../../lib/store";
import type { PlatformThis } from "../../mixins/platform.mixin";
import type { CostBucket } from "./costs";
import type { AgentDoc, AgentStatus, HistoryDoc, VersionDoc, VersionSource } from "./model";

// The agents service's shape (its `this` and context) and what its actions and methods share.
export interface AgentsThis extends PlatformThis {
	repos: { agents: Repository<AgentDoc>; agent_versions: Repository<VersionDoc>; agent_history: Repository<HistoryDoc> };
	historySeq: number;
	[k: string]: any;
}

export type Ctx<P = any> = Context<P, { principal: Principal }>;

export interface CostSums {
	total_cost_usd: number;
	items?: CostBucket[];
	buckets?: Record<string, Partial<CostBucket>>;
}

export interface ChangeOptions {
	source: VersionSource;
	actorId: string | null;
	/** Append a version even when no versioned field changes (rollback). */
	forceVersion?: boolean;
}

export const RUNNABLE: AgentStatus[] = ["testing", "active"];
export const ORG_AGENT = { org_id: "string", agent_id: "string" };

export const archived = (doc: AgentDoc) => errors.conflict("AGENT_ARCHIVED", `Agent ${doc.name} is archived: archived agents cannot be changed`);
