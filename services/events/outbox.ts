import { randomBytes } from "node:crypto";
import type { Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import type { AttemptRecord, DeliveryDoc, DeliveryError } from "./model";

export const MAX_ATTEMPTS = 6;
/** Waits after failed attempts 1–5, in multiples of the retry base (§9: +10 s, +30 s, +2 min, +10 min, +30 min at a 10 s base). */
const RETRY_FACTORS = [1, 3, 12, 60, 180];
/** An attempt not recorded this long after its claim (its node died) may be made again by any node. */
export const CLAIM_MS = 30_000;
const BATCH = 64;
const POLL_MS = 1_000;
const CONCURRENCY = BATCH;

/** When the next attempt is due after `attemptsMade` failed ones; null when none is left. */
export function retryDelayMs(attemptsMade: number, baseMs: number): number | null {
	if (attemptsMade >= MAX_ATTEMPTS) return null;
	return RETRY_FACTORS[attemptsMade - 1] * baseMs;
}

export interface SendResult {
	ok: boolean;
	statusCode: number | null;
	error: DeliveryError | null;
	/** False for a refusal that another attempt cannot change. */
	retryable: boolean;
	runId?: string | null;
}

export interface OutboxDeps {
	deliveries: Repository<DeliveryDoc>;
	nodeId: string;
	retryBaseMs: number;
	/** Makes one attempt of a claimed delivery; `reclaimed` when an earlier attempt may have been made unrecorded. */
	send(delivery: DeliveryDoc, reclaimed: boolean): Promise<SendResult>;
	/** Called once per delivery when it is final (subscription bookkeeping, failure event). */
	settled(delivery: DeliveryDoc): Promise<void>;
	onError(err: unknown, deliveryId?: string): void;
}

/**
 * The dispatcher of the persisted outbox: claims due deliveries with a conditional update (so two nodes
 * never make the same attempt), makes the attempt, records it, and schedules the retry.
 */
export class Outbox {
	private timer: NodeJS.Timeout | null = null;
	private wake: NodeJS.Timeout | null = null;
	private draining = false;
	private again = false;
	private stopped = true;
	private readonly inFlight = new Set<Promise<void>>();

	constructor(private readonly deps: OutboxDeps) {}

	start(): void {
		this.stopped = false;
		this.timer = setInterval(() => this.kick(), POLL_MS);
		this.timer.unref();
		this.kick();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		if (this.wake) clearTimeout(this.wake);
		await Promise.allSettled([...this.inFlight]);
		// Claimed but not attempted: free at once for the other nodes.
		await this.releaseOwnClaims();
	}

	/** After a restart with the same node id, this node's unfinished claims are free at once (not after CLAIM_MS). */
	async releaseOwnClaims(): Promise<void> {
		await this.deps.deliveries.platformWide().updateMany({ status: "pending", claimed_by: this.deps.nodeId }, { $set: { claimed_by: null, claim_expires_at: null } });
	}

	/** Looks for due deliveries now (new deliveries were written, or a retry fell due). */
	kick(): void {
		if (this.stopped) return;
		if (this.draining) {
			this.again = true;
			return;
		}
		this.draining = true;
		this.drain()
			.catch(err => this.deps.onError(err))
			.finally(() => {
				this.draining = false;
				if (this.again) {
					this.again = false;
					this.kick();
				}
			});
	}

	/** Wakes up for a retry due sooner than the next poll. */
	private wakeAt(dueMs: number): void {
		const delay = Math.max(0, dueMs - Date.now());
		if (delay >= POLL_MS) return;
		if (this.wake) clearTimeout(this.wake);
		this.wake = setTimeout(() => this.kick(), delay);
		this.wake.unref();
	}

	private async drain(): Promise<void> {
		const all = this.deps.deliveries.platformWide();
		for (;;) {
			if (this.stopped) return;
			const now = nowIso();
			const due = await all.find(
				{ status: "pending", next_attempt_at: { $lte: now }, $or: [{ claim_expires_at: null }, { claim_expires_at: { $lt: now } }] },
				{ sort: { next_attempt_at: 1 }, limit: BATCH }
			);
			if (!due.length) return;
			for (const { delivery, reclaimed } of await this.claim(due)) {
				if (this.stopped) return;
				while (this.inFlight.size >= CONCURRENCY) await Promise.race(this.inFlight);
				const task = this.attempt(delivery, reclaimed).catch(err => this.deps.onError(err, delivery.id));
				this.inFlight.add(task);
				task.finally(() => this.inFlight.delete(task));
			}
			if (due.length < BATCH) return;
		}
	}

	/**
	 * Claims a page of due deliveries in one conditional write: each one whose claim is free gets this
	 * batch's token, so of two nodes claiming the same page each delivery goes to exactly one of them.
	 */
	private async claim(candidates: DeliveryDoc[]): Promise<{ delivery: DeliveryDoc; reclaimed: boolean }[]> {
		const all = this.deps.deliveries.platformWide();
		const now = nowIso();
		const token = `${this.deps.nodeId}:${randomBytes(8).toString("hex")}`;
		const ids = candidates.map(c => c.id);
		await all.updateMany(
			{ id: { $in: ids }, status: "pending", $or: [{ claim_expires_at: null }, { claim_expires_at: { $lt: now } }] },
			{ $set: { claimed_by: this.deps.nodeId, claim_token: token, claim_expires_at: new Date(Date.now() + CLAIM_MS).toISOString() } }
		);
		const claimedBefore = new Set(candidates.filter(c => c.claimed_by != null).map(c => c.id));
		const mine = await all.find({ id: { $in: ids }, claim_token: token }, { sort: { next_attempt_at: 1 } });
		return mine.map(delivery => ({ delivery, reclaimed: delivery.attempts > 0 || claimedBefore.has(delivery.id) }));
	}

	private async attempt(claimed: DeliveryDoc, reclaimed: boolean): Promise<void> {
		const all = this.deps.deliveries.platformWide();
		let result: SendResult;
		const startedAt = Date.now();
		try {
			result = await this.deps.send(claimed, reclaimed);
		} catch (err) {
			this.deps.onError(err, claimed.id);
			result = { ok: false, statusCode: null, error: { code: "INTERNAL_ERROR", message: "The delivery could not be attempted" }, retryable: true };
		}
		const attempts = claimed.attempts + 1;
		const delay = result.ok || !result.retryable ? null : retryDelayMs(attempts, this.deps.retryBaseMs);
		const status = result.ok ? "succeeded" : delay === null ? "failed" : "pending";
		const now = nowIso();
		const record: AttemptRecord = { attempt: attempts, node_id: this.deps.nodeId, at: now, status_code: result.statusCode, error: result.error, duration_ms: Date.now() - startedAt };
		const nextAt = delay === null ? null : new Date(Date.now() + delay).toISOString();
		const saved = await all.updateWhere(
			{ id: claimed.id, claim_token: claimed.claim_token },
			{
				$set: {
					status,
					attempts,
					last_status_code: result.statusCode,
					last_error: result.error,
					...(nextAt ? { next_attempt_at: nextAt } : {}),
					claimed_by: null,
					claim_expires_at: null,
					...(result.runId ? { run_id: result.runId } : {}),
					updated_at: now
				},
				// A final delivery leaves the sparse index of due deliveries (a shared null key would make every NeDB update slow).
				$unset: nextAt ? { claim_token: true } : { claim_token: true, next_attempt_at: true },
				$push: { attempt_log: record }
			}
		);
		if (!saved) return;
		if (status !== "pending") await this.deps.settled(saved);
		else if (nextAt) this.wakeAt(Date.parse(nextAt));
	}
}
