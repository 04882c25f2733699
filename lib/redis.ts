import Redis from "ioredis";

const connections = new Map<string, Redis>();

/** One shared connection per Redis URL and process (counters, locks, caches). */
export function sharedRedis(url: string): Redis {
	let conn = connections.get(url);
	if (!conn) {
		conn = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
		conn.on("error", () => undefined); // reported through readiness checks, not as crashes
		connections.set(url, conn);
	}
	return conn;
}

export async function closeSharedRedis(): Promise<void> {
	const all = [...connections.values()];
	connections.clear();
	await Promise.all(all.map(c => c.quit().catch(() => c.disconnect())));
}
