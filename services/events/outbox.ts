import type { Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import type { AttemptRecord, DeliveryDoc, DeliveryError } from "./model";

export const MAX_ATTEMPTS = 6;
/** Waits after failed attempts 1–5, in multiples of the retry base (§9: +10 s, +30 s, +2 min, +10 min, +30 min at a 10 s base). */
const RETRY_FACTORS = [1, 3, 12, 60, 180];
/** An attempt not recorded this long after its claim (its node died) may be made again by any node. */
export const CLAIM_MS = 30_000;
const BATCH = 200;
const POLL_MS = 1_000;
const CONCURRENCY = 64;

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
			for (const delivery of due) {
				if (this.stopped) return;
				while (this.inFlight.size >= CONCURRENCY) await Promise.race(this.inFlight);
				const task = this.attempt(delivery).catch(err => this.deps.onError(err, delivery.id));
				this.inFlight.add(task);
				task.finally(() => this.inFlight.delete(task));
			}
			if (due.length < BATCH) break;
			// Let the batch's claims land before reading the next page.
			await Promise.race([Promise.allSettled([...this.inFlight]), new Promise(r => setTimeout(r, 50))]);
		}
	}

	private async attempt(candidate: DeliveryDoc): Promise<void> {
		const all = this.deps.deliveries.platformWide();
		const claimUntil = new Date(Date.now() + CLAIM_MS).toISOString();
		const claimed = await all.updateWhere(
			{ id: candidate.id, status: "pending", attempts: candidate.attempts, claimed_by: candidate.claimed_by ?? null, claim_expires_at: candidate.claim_expires_at ?? null },
			{ $set: { claimed_by: this.deps.nodeId, claim_expires_at: claimUntil } }
		);
		if (!claimed) return;
		const startedAt = Date.now();
		let result: SendResult;
		try {
			result = await this.deps.send(claimed, claimed.attempts > 0 || candidate.claimed_by != null);
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
			{ id: claimed.id, claimed_by: this.deps.nodeId, attempts: claimed.attempts },
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
				...(nextAt ? {} : { $unset: { next_attempt_at: true as const } }),
				$push: { attempt_log: record }
			}
		);
		if (!saved) return;
		if (status !== "pending") await this.deps.settled(saved);
		else if (nextAt) this.wakeAt(Date.parse(nextAt));
	}
}
