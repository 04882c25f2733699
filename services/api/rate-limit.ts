import type Redis from "ioredis";

export interface WindowCount {
	count: number;
	/** Unix epoch seconds when the window ends. */
	resetAt: number;
}

export const WINDOW_SECONDS = 60;

/**
 * Fixed 60-second windows. Counts live in Redis when one is configured (so every gateway node shares
 * them), otherwise in this process.
 */
export class RateLimiter {
	private readonly memory = new Map<string, number>();
	private memoryWindow = 0;

	/** `namespace` keeps installations (and test runs) that share one Redis apart, as the transporter namespace does. */
	constructor(
		private readonly redis: Redis | null,
		private readonly namespace = "fluxgate"
	) {}

	async hit(key: string, windowSeconds = WINDOW_SECONDS): Promise<WindowCount> {
		const window = Math.floor(Date.now() / 1000 / windowSeconds);
		const resetAt = (window + 1) * windowSeconds;
		const windowKey = `fg:${this.namespace}:rl:${windowSeconds}:${window}:${key}`;
		if (this.redis) {
			const [[, count]] = (await this.redis.multi().incr(windowKey).expire(windowKey, windowSeconds + 1).exec()) as [[null, number]];
			return { count, resetAt };
		}
		if (window !== this.memoryWindow) {
			this.memory.clear();
			this.memoryWindow = window;
		}
		const count = (this.memory.get(windowKey) ?? 0) + 1;
		this.memory.set(windowKey, count);
		return { count, resetAt };
	}
}
