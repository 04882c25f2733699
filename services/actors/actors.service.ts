import type { Context, Service, ServiceSchema } from "moleculer";
import os from "node:os";
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
	mailboxes: Map<string, Mailbox>;
	/** Replicas per agent on this node, as the autoscaler last placed them, and when. */
	placement: Map<string, number> | null;
	placedAt: number;
	changes: Promise<void>;
	transient: Mailbox;
	running: Map<string, AbortController>;
	env: RunEnv;
	settingsCache: SettingsCache;
	leaseTimer: NodeJS.Timeout | null;
	reconcileTimer: NodeJS.Timeout | null;
	/** Drained by an operator: takes no placement and hands its actors over to other nodes. */
	draining: boolean;
	releaseTimer: NodeJS.Timeout | null;
	[k: string]: any;
}

const RUNNABLE = new Set(["testing", "active"]);
const LEASE_RENEW_MS = 5_000;
const RECONCILE_MS = 5_000;
/** A placement older than this (its autoscaler is gone) no longer binds the node: it hosts every runnable agent again. */
const PLACEMENT_FRESH_MS = 60_000;
const RELEASE_MS = 1_000;

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
			// The agent's inbox: other agents' messages, checked by the trust middleware before they arrive.
			// Accepted ones start runs (trigger `coordination`) that come back through `run` into the same mailbox.
			message: {
				visibility: "public" as const,
				trust: true,
				params: { id: "string", org_id: "string", from_agent_id: "string", to_agent_id: { type: "equal", value: agentId }, message_type: "string", content: "string" },
				handler(ctx: Context<any>) {
					return ctx.call("coordination.receive", ctx.params);
				}
			},
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
		/** The autoscaler's placement for this node: every agent with its replicas here; agents left out have none (§15). */
		place: {
			visibility: "public",
			params: { placements: { type: "array", items: { type: "object", props: { org_id: "string", agent_id: "string", replicas: { type: "number", integer: true, min: 0 } } } } },
			async handler(this: ActorsThis, ctx: Context<{ placements: { org_id: string; agent_id: string; replicas: number }[] }>) {
				if (this.draining) {
					await this.releaseActors();
					return { node_id: this.broker.nodeID, hosted: this.actors.size, draining: true };
				}
				this.placement = new Map(ctx.params.placements.map(p => [p.agent_id, p.replicas]));
				this.placedAt = Date.now();
				for (const p of ctx.params.placements) if (p.replicas > 0) await this.deploy(p.org_id, p.agent_id, p.replicas);
				for (const agentId of [...this.actors.keys()]) if (!this.placement.get(agentId)) await this.undeploy(agentId);
				return { node_id: this.broker.nodeID, hosted: this.actors.size };
			}
		},

		/** What this node hosts and how busy it is (§15 metrics). */
		hosted: {
			visibility: "public",
			handler(this: ActorsThis) {
				return {
					node_id: this.broker.nodeID,
					draining: this.draining,
					in_flight: this.running.size,
					cpu_usage: Math.min(100, Math.round((os.loadavg()[0] / os.cpus().length) * 10000) / 100),
					memory_usage: Math.round((1 - os.freemem() / os.totalmem()) * 10000) / 100,
					agents: [...this.mailboxes].map(([agent_id, box]) => ({ agent_id, replicas: box.concurrency, queue_depth: box.depth, running: box.active }))
				};
			}
		},

		/** Drains this node (or undoes it): see services/actors/drain.ts. */
		drain: {
			visibility: "public",
			params: { draining: "boolean" },
			async handler(this: ActorsThis, ctx: Context<{ draining: boolean }>) {
				this.draining = ctx.params.draining;
				if (this.releaseTimer) clearInterval(this.releaseTimer);
				this.releaseTimer = null;
				if (this.draining) {
					this.releaseTimer = setInterval(() => this.releaseActors().catch((err: unknown) => this.logger.warn({ err }, "Releasing actors failed")), RELEASE_MS);
					this.releaseTimer.unref();
				} else {
					this.placement = null;
					await this.reconcile();
				}
				ctx.broadcast("actors.drain.changed", { node_id: this.broker.nodeID, draining: this.draining });
				return { node_id: this.broker.nodeID, draining: this.draining, hosted: this.actors.size, in_flight: this.running.size };
			}
		},

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
		/** Hosts the agent's actor here with `replicas` runs at a time (default: the node's actor concurrency). */
		deploy(this: ActorsThis, orgId: string, agentId: string, replicas?: number): Promise<void> {
			// FLUXGATE_ACTOR_AGENTS pins which agents this node may host at all.
			if (this.config.actorAgents && !this.config.actorAgents.includes(agentId)) return Promise.resolve();
			return this.serially(async () => {
				const existing = this.mailboxes.get(agentId);
				if (existing) {
					if (replicas !== undefined && replicas !== existing.concurrency) existing.setConcurrency(replicas);
					return;
				}
				const mailbox = new Mailbox(replicas ?? this.config.actorConcurrency);
				this.mailboxes.set(agentId, mailbox);
				// createService starts the service itself once the broker is running.
				this.actors.set(agentId, this.broker.createService(agentActorSchema(agentId, orgId, mailbox, this.env)));
			});
		},

		/** Removes the agent's actor here; runs already in its mailbox still run to their end. */
		undeploy(this: ActorsThis, agentId: string): Promise<void> {
			return this.serially(async () => {
				const service = this.actors.get(agentId);
				if (!service) return;
				this.actors.delete(agentId);
				this.mailboxes.delete(agentId);
				await this.broker.destroyService(service);
			});
		},

		/** Deployments change one at a time on a node: an actor is never created while its previous instance is being removed. */
		serially(this: ActorsThis, change: () => Promise<void>): Promise<void> {
			const next = this.changes.then(change);
			this.changes = next.catch(() => undefined);
			return next;
		},

		/** Events can be missed (a node joining while an agent is promoted): converge on the agents' states. */
		async reconcile(this: ActorsThis) {
			if (this.draining) return this.releaseActors();
			const runnable: { org_id: string; agent_id: string }[] = await callIfPresent(this.broker, "agents.listRunnable", {}, []);
			// While the autoscaler places actors, only what it placed here is hosted (and only if still runnable);
			// FLUXGATE_ACTOR_AGENTS narrows that to the pinned agents.
			const placement = this.placement && Date.now() - this.placedAt < PLACEMENT_FRESH_MS ? this.placement : null;
			const pinned = this.config.actorAgents;
			const here = runnable.filter(a => (!placement || (placement.get(a.agent_id) ?? 0) > 0) && (!pinned || pinned.includes(a.agent_id)));
			const wanted = new Set(here.map(a => a.agent_id));
			for (const agent of here) await this.deploy(agent.org_id, agent.agent_id, placement?.get(agent.agent_id));
			for (const agentId of [...this.actors.keys()]) if (!wanted.has(agentId)) await this.undeploy(agentId);
		},

		/** A draining node removes each actor once another node hosts it, so the agent stays reachable; its queued runs still finish here. */
		async releaseActors(this: ActorsThis) {
			const services = this.broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as any[];
			for (const agentId of [...this.actors.keys()]) {
				const name = actorName(agentId);
				if (services.some(s => s.name === name && s.nodeID !== this.broker.nodeID)) await this.undeploy(agentId);
			}
		},

		async renewLeases(this: ActorsThis) {
			if (!this.running.size) return;
			await this.broker.call("runtime.renewLeases", { node_id: this.broker.nodeID, run_ids: [...this.running.keys()] });
		}
	},

	created(this: ActorsThis) {
		this.actors = new Map();
		this.mailboxes = new Map();
		this.placement = null;
		this.placedAt = 0;
		this.changes = Promise.resolve();
		this.running = new Map();
		this.transient = new Mailbox(this.config.actorConcurrency);
		this.leaseTimer = null;
		this.reconcileTimer = null;
		this.draining = false;
		this.releaseTimer = null;
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
		if (this.releaseTimer) clearInterval(this.releaseTimer);
		for (const agentId of [...this.actors.keys()]) await this.undeploy(agentId);
	}
};

export default ActorsService;
