import { openStore, type Scope } from "../../lib/store";
import { useSharedKeyRemoval } from "../../lib/store/nedb-index-removal";

interface Run {
	id: string;
	org_id: string;
	agent_id: string;
	status: string;
	tokens: number;
}

/** Drives the same random updates and deletes through the store and through a plain map, then compares what indexed queries answer. */
async function exercise(scope: Scope<Run & { created_at?: string; updated_at?: string }>) {
	const model = new Map<string, Omit<Run, "org_id">>();
	let seed = 7;
	const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
	const agents = ["agt_a", "agt_b", "agt_c"];
	const statuses = ["queued", "running", "completed", "failed"];
	for (let i = 0; i < 400; i++) {
		const run = { id: `run_${i}`, agent_id: agents[random(3)], status: statuses[random(4)], tokens: 0 };
		model.set(run.id, run);
		await scope.insert(run as any);
	}
	for (let i = 0; i < 1500; i++) {
		const id = `run_${random(400)}`;
		const known = model.get(id);
		const action = random(10);
		if (action === 0) {
			await scope.delete(id);
			model.delete(id);
		} else if (!known) {
			const run = { id, agent_id: agents[random(3)], status: statuses[random(4)], tokens: 0 };
			model.set(id, run);
			await scope.insert(run as any);
		} else if (action < 4) {
			// The key changes: the document leaves one shared array and joins another.
			const set = { status: statuses[random(4)], agent_id: agents[random(3)] };
			Object.assign(known, set);
			await scope.update(id, set);
		} else {
			// The key stays: the new document replaces the old one in the same arrays.
			known.tokens += 1;
			await scope.update(id, { tokens: known.tokens });
		}
	}
	const ids = (runs: { id: string }[]) => runs.map(r => r.id).sort();
	for (const agent_id of agents) {
		const expected = [...model.values()].filter(r => r.agent_id === agent_id);
		expect(ids(await scope.find({ agent_id }))).toEqual(ids(expected));
		for (const status of statuses) {
			const both = expected.filter(r => r.status === status);
			expect(ids(await scope.find({ status, agent_id }))).toEqual(ids(both));
		}
	}
	for (const status of statuses) expect(await scope.count({ status })).toBe([...model.values()].filter(r => r.status === status).length);
	expect(await scope.count()).toBe(model.size);
	for (const run of await scope.find({})) expect(run).toMatchObject(model.get(run.id)!);
}

describe("NeDB indexes after many updates of documents that share index keys", () => {
	afterAll(() => useSharedKeyRemoval(true));

	test.each([
		["with the shared-key removal", true],
		["with the library's removal (the reference)", false]
	])("%s, indexed queries answer exactly the documents a plain model holds", async (_name, enabled) => {
		useSharedKeyRemoval(enabled);
		const store = openStore("memory", { dataDir: "", mongoUri: null });
		try {
			const runs = await store.repository<Run>("runs", [{ fields: ["agent_id"] }, { fields: ["status"] }]);
			await exercise(runs.forOrg("org_1") as any);
		} finally {
			await store.close();
		}
	});
});
