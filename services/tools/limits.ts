import type Redis from "ioredis";
import type { RateLimit } from "./model";

export interface RateDecision {
	allowed: boolean;
	count: number;
	/** Whole seconds until the window resets (≥ 1). */
	retryAfterSeconds: number;
	windowSeconds: number;
}

const PERIOD_SECONDS = { minute: 60, hour: 3600 } as const;

/**
 * Fixed-window call counters per tool, across the org (§3 `rate_limit`). Counters live in Redis when
 * one is configured (shared by every node), otherwise in this process.
 */
export class ToolRateLimiter {
	private readonly memory = new Map<string, { endsAt: number; count: number }>();
	private sweptAt = 0;

	constructor(private readonly redis: Redis | null) {}

	async hit(toolId: string, limit: RateLimit, now = Date.now()): Promise<RateDecision> {
		const windowSeconds = PERIOD_SECONDS[limit.period] ?? 60;
		const window = Math.floor(now / 1000 / windowSeconds);
		const retryAfterSeconds = Math.max(1, Math.ceil((window + 1) * windowSeconds - now / 1000));
		const key = `fg:tool-rl:${windowSeconds}:${window}:${toolId}`;
		let count: number;
		if (this.redis) {
			const [[, incr]] = (await this.redis.multi().incr(key).expire(key, windowSeconds + 1).exec()) as [[null, number]];
			count = incr;
		} else {
			this.sweep(now);
			const entry = this.memory.get(key);
			count = (entry?.count ?? 0) + 1;
			this.memory.set(key, { endsAt: (window + 1) * windowSeconds * 1000, count });
		}
		return { allowed: count <= limit.max_calls, count, retryAfterSeconds, windowSeconds };
	}

	/** Forgets finished windows now and then so the map stays small. */
	private sweep(now: number): void {
		if (now - this.sweptAt < 60_000) return;
		this.sweptAt = now;
		for (const [key, entry] of this.memory) if (entry.endsAt <= now) this.memory.delete(key);
	}
}
