import type { ServerResponse } from "node:http";
import type Redis from "ioredis";

export interface WindowCount {
	count: number;
	/** Unix epoch seconds when the window ends. */
	resetAt: number;
}

export const WINDOW_SECONDS = 60;

/** §0.11 headers of a counted request. */
export function setRateHeaders(res: ServerResponse, limit: number, count: number, resetAt: number): void {
	res.setHeader("X-RateLimit-Limit", String(limit));
	res.setHeader("X-RateLimit-Remaining", String(Math.max(0, limit - count)));
	res.setHeader("X-RateLimit-Reset", String(resetAt));
}

/** In-process counts of the current window of one window length. */
interface MemoryWindow {
	window: number;
	counts: Map<string, number>;
}

/**
 * Fixed 60-second windows. Counts live in Redis when one is configured (so every gateway node shares
 * them), otherwise in this process.
 */
export class RateLimiter {
	private readonly memory = new Map<number, MemoryWindow>();
	private readonly principalKeys = new Map<string, string>();
	private readonly recent = new Map<string, number[]>();
	private sequence = 0;

	/** `namespace` keeps installations (and test runs) that share one Redis apart, as the transporter namespace does. */
	constructor(
		private readonly redis: Redis | null,
		private readonly namespace = "fluxgate"
	) {}

	/** The counter key of a principal, made once per principal. */
	principalKey(principalId: string): string {
		let key = this.principalKeys.get(principalId);
		if (key === undefined) {
			if (this.principalKeys.size >= 100_000) this.principalKeys.clear();
			this.principalKeys.set(principalId, (key = `p:${principalId}`));
		}
		return key;
	}

	/** Counts one request; answered at once (no promise) when the counts live in this process. */
	hit(key: string, windowSeconds = WINDOW_SECONDS): WindowCount | Promise<WindowCount> {
		const window = Math.floor(Date.now() / 1000 / windowSeconds);
		const resetAt = (window + 1) * windowSeconds;
		if (this.redis) {
			const windowKey = `fg:${this.namespace}:rl:${windowSeconds}:${window}:${key}`;
			return this.redis
				.multi()
				.incr(windowKey)
				.expire(windowKey, windowSeconds + 1)
				.exec()
				.then(replies => ({ count: (replies as [[null, number]])[0][1], resetAt }));
		}
		// One map per window length: counts of a 60-second window never reset those of another length.
		let current = this.memory.get(windowSeconds);
		if (!current || current.window !== window) this.memory.set(windowSeconds, (current = { window, counts: new Map() }));
		const count = (current.counts.get(key) ?? 0) + 1;
		current.counts.set(key, count);
		return { count, resetAt };
	}

	/**
	 * Sliding 60-second window for the small credential-free limits (§0.11): the 11th request within any
	 * 60 seconds is refused, whichever clock minute the requests fall in. `resetAt` is when the oldest
	 * counted request leaves the window.
	 */
	async hitSliding(key: string, windowSeconds = WINDOW_SECONDS): Promise<WindowCount> {
		const now = Date.now();
		const windowMs = windowSeconds * 1000;
		const slidingKey = `fg:${this.namespace}:rls:${windowSeconds}:${key}`;
		if (this.redis) {
			const member = `${now}:${process.pid}:${++this.sequence}`;
			const replies = (await this.redis
				.multi()
				.zremrangebyscore(slidingKey, 0, now - windowMs)
				.zadd(slidingKey, now, member)
				.zcard(slidingKey)
				.zrange(slidingKey, 0, 0, "WITHSCORES")
				.pexpire(slidingKey, windowMs)
				.exec()) as [Error | null, any][];
			const oldest = Number(replies[3][1][1] ?? now);
			return { count: Number(replies[2][1]), resetAt: Math.ceil((oldest + windowMs) / 1000) };
		}
		const kept = (this.recent.get(slidingKey) ?? []).filter(t => t > now - windowMs);
		kept.push(now);
		this.recent.set(slidingKey, kept);
		if (this.recent.size > 100_000) for (const [k, times] of this.recent) if (times[times.length - 1] <= now - windowMs) this.recent.delete(k);
		return { count: kept.length, resetAt: Math.ceil((kept[0] + windowMs) / 1000) };
	}
}
