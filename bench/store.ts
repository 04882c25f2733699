import { openStore } from "../lib/store";
import { useSharedKeyRemoval } from "../lib/store/nedb-index-removal";

/** µs per update of one document among `size` that share the org and agent index keys (as a single-org install's runs do). */
async function updateCost(size: number, updates: number): Promise<number> {
	const store = openStore("memory", { dataDir: "", mongoUri: null });
	try {
		const runs = (await store.repository("runs", [{ fields: ["agent_id"] }, { fields: ["status"] }])).forOrg("org_bench");
		for (let i = 0; i < size; i++) await runs.insert({ id: `run_${i}`, agent_id: "agt_bench", status: "completed", tokens: 0 } as any);
		const start = process.hrtime.bigint();
		for (let i = 0; i < updates; i++) await runs.update(`run_${(i * 7919) % size}`, { tokens: i } as any);
		return Number(process.hrtime.bigint() - start) / updates / 1000;
	} finally {
		await store.close();
	}
}

/** The embedded store's update path: NeDB's own removal from shared index keys against the one Fluxgate installs. */
export async function storeBench(): Promise<void> {
	console.log("store: embedded store (NeDB in memory), one update among N documents sharing their index keys");
	for (const size of [1_000, 10_000, 50_000]) {
		useSharedKeyRemoval(false);
		const library = await updateCost(size, 1_000);
		useSharedKeyRemoval(true);
		const shared = await updateCost(size, 1_000);
		console.log(`  N = ${String(size).padStart(6)}   library removal ${library.toFixed(1).padStart(7)} µs   shared-key removal ${shared.toFixed(1).padStart(6)} µs   ${(library / shared).toFixed(1)}x`);
	}
}
