import type { Context } from "moleculer";
import type { Principal } from "../../lib/principal";
import type { Repository } from "../../lib/store";
import type { IdempotencyDoc } from "../../lib/idempotency";
import type { PlatformThis } from "../../mixins/platform.mixin";
import { metadata } from "../../lib/validation";
import type { FairDispatcher } from "./dispatcher";
import type { RunMetrics } from "./metrics";
import { isChatRun, type RunDoc, type StepDoc } from "./runs";
import type { RunHub } from "./stream";

// The runtime service's shape (its `this` and context), its timings and the input rules of a run, shared by its files.

export interface RuntimeThis extends PlatformThis {
	repos: { runs: Repository<RunDoc>; steps: Repository<StepDoc>; idempotency: Repository<IdempotencyDoc> };
	hub: RunHub;
	dispatcher: FairDispatcher;
	runMetrics: RunMetrics;
	sweepTimer: NodeJS.Timeout | null;
	/** When this node handed each queued run to an actor (in memory: the sweeper's hint). */
	dispatchedAt: Map<string, number>;
	[k: string]: any;
}

export type Ctx<P = any> = Context<P, { principal: Principal; idempotencyKey?: string; $statusCode?: number; $responseType?: string; $responseHeaders?: Record<string, string> }>;

/** A run whose node stopped renewing its lease this long ago is taken over by another node. */
export const LEASE_MS = 15_000;
export const SWEEP_INTERVAL_MS = 5_000;
/** A queued run not picked up by any actor for this long is failed with WORKER_LOST. */
export const UNDISPATCHABLE_MS = 60_000;
/** A run handed to an actor but not claimed this long after (its node died) is dispatched again. */
export const REDISPATCH_MS = 30_000;
export const DISPATCH_TIMEOUT_MS = 3_000;

export const RUN_INPUT = {
	agent_id: { type: "string", min: 1, max: 64 },
	input: { type: "string", min: 1, max: 100000 },
	mode: { type: "enum", values: ["production", "test"], optional: true },
	agent_version: { type: "number", integer: true, min: 1, optional: true },
	session_id: { type: "string", min: 1, max: 128, optional: true, nullable: true },
	end_user_id: { type: "string", min: 1, max: 128, optional: true, nullable: true },
	customer_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
	metadata: metadata({ optional: true }),
	max_cost_usd: { type: "number", positive: true, optional: true, nullable: true }
};

export const actorName = (agentId: string) => `agent-actor.${agentId}`;

/** A chat run is dispatched with its session, so the actor keeps the session's runs in order (§19). */
export const chatSessionOf = (run: RunDoc) => (isChatRun(run) && run.session_id ? { session_id: run.session_id } : {});
