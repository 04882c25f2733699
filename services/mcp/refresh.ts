import type { Context } from "moleculer";
import type { McpServerDoc } from "./model";
import { discoverServer, type McpThis } from "./operations";

/** How often each node looks for servers whose periodic discovery is due. */
export const REFRESH_SWEEP_MS = 30_000;
/** At most this many servers are rediscovered per sweep and node; the rest wait for the next sweep. */
const SWEEP_BATCH = 20;

/**
 * Periodic rediscovery (§22 "discovery repeats periodically"): every enabled server past its
 * `next_refresh_at` is claimed by moving that date forward in one conditional write, so with a
 * shared store each refresh runs on one node only. Disabled servers are never refreshed.
 */
export async function refreshDueServers(svc: McpThis, ctx: Context): Promise<{ refreshed: number }> {
	const all = svc.repos.mcp_servers.platformWide();
	const now = Date.now();
	const due: McpServerDoc[] = await all.find({ enabled: true, next_refresh_at: { $lte: now } }, { sort: { next_refresh_at: 1 }, limit: SWEEP_BATCH });
	let refreshed = 0;
	for (const server of due) {
		const claimed = await all.updateWhere(
			{ id: server.id, enabled: true, next_refresh_at: server.next_refresh_at },
			{ $set: { next_refresh_at: now + server.refresh_interval_seconds * 1000 } }
		);
		if (!claimed) continue;
		refreshed++;
		await discoverServer(svc, ctx, claimed as McpServerDoc);
	}
	return { refreshed };
}
