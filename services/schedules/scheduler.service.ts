import type { Context } from "moleculer";
import type { Schema } from "../../lib/schema";
import { PlatformMixin, type PlatformThis } from "../../mixins/platform.mixin";
import type { ArmedSchedule } from "./model";
import { nextFutureTick } from "./timing";
import type { TickOutcome } from "./firing";

interface Armed {
	schedule: ArmedSchedule;
	timer: NodeJS.Timeout | null;
}

interface SchedulerThis extends PlatformThis {
	armed: Map<string, Armed>;
	/** Ticks this process claimed, when no Redis is configured (single process). */
	localClaims: Map<string, number>;
	resyncTimer: NodeJS.Timeout | null;
	syncing: Promise<void> | null;
	schedulesAvailable: boolean;
	[k: string]: any;
}

/** A claimed tick stays claimed this long: far beyond any delay with which another node could see it. */
const CLAIM_TTL_MS = 60 * 60 * 1000;
/** The whole list is fetched again this often (a lost `schedules.changed`, a restarted data node). */
const RESYNC_MS = 30_000;
/** setTimeout's limit; longer waits are re-armed when it expires. */
const MAX_TIMER_MS = 2_147_000_000;

/**
 * Fires schedule ticks. Runs on any number of nodes (gateway and runtime nodes alike): each arms a
 * timer for every enabled schedule's next tick, and when it expires claims the (schedule, tick) pair
 * in Redis with SET NX; only the winner asks the schedules service to fire it, whose conditional
 * update of `next_run_at` is the second guard. A node that dies leaves its peers' timers running.
 */
const SchedulerService: Schema<SchedulerThis> = {
	name: "scheduler",
	mixins: [PlatformMixin],

	events: {
		"schedules.changed"(this: SchedulerThis, ctx: Context<{ id: string; armed: ArmedSchedule | null }>) {
			this.arm(ctx.params.id, ctx.params.armed);
		},
		// The schedules service came up somewhere (or came back): learn its schedules.
		"$services.changed"(this: SchedulerThis) {
			const available = (this.broker.registry as any).actions.isAvailable("schedules.armed");
			if (available && !this.schedulesAvailable) this.sync();
			this.schedulesAvailable = available;
		}
	},

	methods: {
		sync(this: SchedulerThis): Promise<void> {
			if (this.syncing) return this.syncing;
			this.syncing = (async () => {
				this.schedulesAvailable = (this.broker.registry as any).actions.isAvailable("schedules.armed");
				if (!this.schedulesAvailable) return;
				const list = (await this.broker.call("schedules.armed")) as ArmedSchedule[];
				const seen = new Set<string>();
				for (const schedule of list) {
					seen.add(schedule.id);
					if (this.armed.get(schedule.id)?.schedule.next_run_at !== schedule.next_run_at) this.arm(schedule.id, schedule);
				}
				for (const id of [...this.armed.keys()]) if (!seen.has(id)) this.arm(id, null);
			})()
				.catch((err: unknown) => this.logger.warn({ err }, "Loading the schedules to arm failed; retrying later"))
				.finally(() => (this.syncing = null));
			return this.syncing;
		},

		/** (Re)arms the timer of one schedule; null disarms it. */
		arm(this: SchedulerThis, id: string, schedule: ArmedSchedule | null) {
			const current = this.armed.get(id);
			if (current?.timer) clearTimeout(current.timer);
			if (!schedule || !schedule.next_run_at) {
				this.armed.delete(id);
				return;
			}
			const entry: Armed = { schedule, timer: null };
			this.armed.set(id, entry);
			const wait = Date.parse(schedule.next_run_at) - Date.now();
			entry.timer = setTimeout(() => {
				if (wait > MAX_TIMER_MS) this.arm(id, schedule);
				else this.onTick(id, schedule.next_run_at as string);
			}, Math.max(0, Math.min(wait, MAX_TIMER_MS)));
			entry.timer.unref();
		},

		async onTick(this: SchedulerThis, id: string, tick: string) {
			const entry = this.armed.get(id);
			if (!entry || entry.schedule.next_run_at !== tick) return;
			// Move on at once: the next tick is armed whatever happens to this one.
			const schedule = entry.schedule;
			this.arm(id, { ...schedule, next_run_at: nextFutureTick(schedule, new Date(tick), new Date()).toISOString() });
			if (!(await this.claim(id, tick))) return;
			try {
				const result = (await this.broker.call("schedules.fireTick", { org_id: schedule.org_id, schedule_id: id, tick })) as TickOutcome;
				if (this.armed.get(id)?.schedule.next_run_at !== result.armed?.next_run_at) this.arm(id, result.armed);
			} catch (err) {
				this.logger.warn({ err }, `Schedule ${id}: firing the tick of ${tick} failed`);
			}
		},

		/** True for exactly one caller per (schedule, tick) across the cluster. */
		async claim(this: SchedulerThis, id: string, tick: string): Promise<boolean> {
			const redis = this.platform.redis;
			if (!redis) {
				const key = `${id}@${tick}`;
				const now = Date.now();
				for (const [k, at] of this.localClaims) if (now - at > CLAIM_TTL_MS) this.localClaims.delete(k);
				if (this.localClaims.has(key)) return false;
				this.localClaims.set(key, now);
				return true;
			}
			try {
				const key = `${this.config.namespace}:schedule-tick:${id}:${Date.parse(tick)}`;
				// The value says who claimed the tick and when (operators and the benchmark read it).
				return (await redis.set(key, `${this.broker.nodeID}@${Date.now()}`, "PX", CLAIM_TTL_MS, "NX")) === "OK";
			} catch (err) {
				// Without Redis the schedules service's conditional update still lets the tick through once.
				this.logger.warn({ err }, `Schedule ${id}: Redis claim failed; relying on the store's guard`);
				return true;
			}
		}
	},

	created(this: SchedulerThis) {
		this.armed = new Map();
		this.localClaims = new Map();
		this.resyncTimer = null;
		this.syncing = null;
		this.schedulesAvailable = false;
	},

	async started(this: SchedulerThis) {
		await this.sync();
		this.resyncTimer = setInterval(() => this.sync(), RESYNC_MS);
		this.resyncTimer.unref();
	},

	stopped(this: SchedulerThis) {
		if (this.resyncTimer) clearInterval(this.resyncTimer);
		for (const entry of this.armed.values()) if (entry.timer) clearTimeout(entry.timer);
		this.armed.clear();
	}
};

export default SchedulerService;
