import type { Context, Service, ServiceSchema } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import type { Schema } from "../../lib/schema";
import { defaultSettings, SettingsCache } from "../../lib/settings";
import { PlatformMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { actorName } from "../runtime/runtime.service";
import { Mailbox } from "./mailbox";
import { executeRun, RunStopped, type RunEnv } from "./run-loop";
import { chatAction } from "./session-mailbox";

interface ActorsThis extends PlatformThis {
	actors: Map<string, Service>;
	transient: Mailbox;
	running: Map<string, AbortController>;
	env: RunEnv;
	settingsCache: SettingsCache;
	leaseTimer: NodeJS.Timeout | null;
	reconcileTimer: NodeJS.Timeout | null;
	[k: string]: any;
}

const RUNNABLE = new Set(["testing", "active"]);
const LEASE_RENEW_MS = 5_000;
const RECONCILE_MS = 5_000;

/** The actor of one runnable agent: its mailbox is the bulkhead, its depth a scaling metric. */
function agentActorSchema(agentId: string, orgId: string, mailbox: Mailbox, env: RunEnv): ServiceSchema {
	const enqueue = {
		visibility: "public" as const,
		params: { run_id: "string" },
		handler(ctx: Context<{ run_id: string }>) {
			mailbox.post(() => executeRun(env, ctx.params.run_id));
			return { accepted: true, queue_depth: mailbox.depth };
		}
	};
	return {
		name: actorName(agentId),
		metadata: { agent_id: agentId, org_id: orgId, actor: true },
		actions: {
			run: enqueue,
			// Messages from other agents are runs too (trigger `coordination`), in the same mailbox.
			message: enqueue,
			// Chat runs: sharded by session, one session's runs in send order (§19).
			chat: chatAction(mailbox, env),
			status: {
				visibility: "public",
				handler() {
					return { agent_id: agentId, node_id: env.nodeId, running: mailbox.active, queue_depth: mailbox.depth, concurrency: mailbox.concurrency };
				}
			}
		}
	};
}

/**
 * Runtime node duties: one agent actor per runnable agent (created and removed as agents are
 * promoted, suspended, archived or deleted), a transient executor for draft agents' test runs,
 * and the lease heartbeat of the runs executing here.
 */
const ActorsService: Schema<ActorsThis> = {
	name: "actors",
	mixins: [PlatformMixin],
	dependencies: ["agents", "runtime"],

	actions: {
		execute: {
			visibility: "public",
			params: { run_id: "string" },
			handler(this: ActorsThis, ctx: Context<{ run_id: string }>) {
				this.transient.post(() => executeRun(this.env, ctx.params.run_id));
				return { accepted: true, queue_depth: this.transient.depth };
			}
		}
	},

	events: {
		async "lifecycle.promoted"(this: ActorsThis, ctx: Context<{ org_id: string; agent_id: string; to_state: string }>) {
			if (RUNNABLE.has(ctx.params.to_state)) await this.deploy(ctx.params.org_id, ctx.params.agent_id);
			else await this.undeploy(ctx.params.agent_id);
		},
		async "agent.deleted"(this: ActorsThis, ctx: Context<{ agent_id: string }>) {
			await this.undeploy(ctx.params.agent_id);
		},
		"runtime.run.cancelled"(this: ActorsThis, ctx: Context<{ run_id: string }>) {
			this.running.get(ctx.params.run_id)?.abort(new RunStopped("cancelled", null));
		},
		"settings.changed"(this: ActorsThis, ctx: Context<any>) {
			this.settingsCache.set(ctx.params);
		}
	},

	methods: {
		async deploy(this: ActorsThis, orgId: string, agentId: string) {
			if (this.actors.has(agentId)) return;
			const mailbox = new Mailbox(this.config.actorConcurrency);
			// createService starts the service itself once the broker is running.
			this.actors.set(agentId, this.broker.createService(agentActorSchema(agentId, orgId, mailbox, this.env)));
		},

		async undeploy(this: ActorsThis, agentId: string) {
			const service = this.actors.get(agentId);
			if (!service) return;
			this.actors.delete(agentId);
			await this.broker.destroyService(service);
		},

		/** Events can be missed (a node joining while an agent is promoted): converge on the agents' states. */
		async reconcile(this: ActorsThis) {
			const runnable: { org_id: string; agent_id: string }[] = await callIfPresent(this.broker, "agents.listRunnable", {}, []);
			const wanted = new Set(runnable.map(a => a.agent_id));
			for (const agent of runnable) await this.deploy(agent.org_id, agent.agent_id);
			for (const agentId of [...this.actors.keys()]) if (!wanted.has(agentId)) await this.undeploy(agentId);
		},

		async renewLeases(this: ActorsThis) {
			if (!this.running.size) return;
			await this.broker.call("runtime.renewLeases", { node_id: this.broker.nodeID, run_ids: [...this.running.keys()] });
		}
	},

	created(this: ActorsThis) {
		this.actors = new Map();
		this.running = new Map();
		this.transient = new Mailbox(this.config.actorConcurrency);
		this.leaseTimer = null;
		this.reconcileTimer = null;
		this.settingsCache = new SettingsCache(() => this.broker.call("admin.currentSettings"), () => defaultSettings(this.config));
		this.env = {
			broker: this.broker,
			nodeId: this.broker.nodeID,
			allowPrivateNetwork: this.config.allowPrivateNetwork,
			settings: async () => this.settingsCache.get(),
			track: (runId, controller) => {
				this.running.set(runId, controller);
				return () => this.running.delete(runId);
			}
		};
	},

	async started(this: ActorsThis) {
		await this.reconcile();
		this.leaseTimer = setInterval(() => this.renewLeases().catch((err: unknown) => this.logger.warn({ err }, "Lease renewal failed")), LEASE_RENEW_MS);
		this.leaseTimer.unref();
		this.reconcileTimer = setInterval(() => this.reconcile().catch((err: unknown) => this.logger.warn({ err }, "Actor reconciliation failed")), RECONCILE_MS);
		this.reconcileTimer.unref();
	},

	async stopped(this: ActorsThis) {
		if (this.leaseTimer) clearInterval(this.leaseTimer);
		if (this.reconcileTimer) clearInterval(this.reconcileTimer);
		for (const agentId of [...this.actors.keys()]) await this.undeploy(agentId);
	}
};

export default ActorsService;
