import { FairDispatcher, type QueuedRun } from "../../services/runtime/dispatcher";

const settle = () => new Promise(resolve => setImmediate(resolve));
const run = (run_id: string, org_id = "org_a"): QueuedRun => ({ run_id, org_id, agent_id: "agt_1" });

describe("FairDispatcher queues", () => {
	test("a run is queued once, a run finished while queued never dispatches, and a finished run may be queued again", async () => {
		const dispatched: string[] = [];
		const dispatcher = new FairDispatcher(
			async () => 1,
			async next => {
				dispatched.push(next.run_id);
				return true;
			}
		);
		for (const id of ["r1", "r2", "r2", "r3"]) dispatcher.enqueue(run(id));
		await settle();
		expect(dispatched).toEqual(["r1"]);
		expect(dispatcher.queuedCount()).toBe(2);

		dispatcher.finished("org_a", "r2");
		expect(dispatcher.queuedCount()).toBe(1);
		dispatcher.finished("org_a", "r1");
		await settle();
		expect(dispatched).toEqual(["r1", "r3"]);
		expect(dispatcher.queuedCount()).toBe(0);

		dispatcher.enqueue(run("r3"));
		await settle();
		expect(dispatched).toEqual(["r1", "r3"]);
		dispatcher.finished("org_a", "r3");
		dispatcher.enqueue(run("r2"));
		await settle();
		expect(dispatched).toEqual(["r1", "r3", "r2"]);
	});

	test("a burst of 20,000 queued runs drains in order as runs finish", async () => {
		const dispatched: string[] = [];
		const dispatcher = new FairDispatcher(
			async () => 64,
			async next => {
				dispatched.push(next.run_id);
				setImmediate(() => dispatcher.finished(next.org_id, next.run_id));
				return true;
			}
		);
		const ids = Array.from({ length: 20_000 }, (_, i) => `r${i}`);
		for (const id of ids) dispatcher.enqueue(run(id));
		for (const id of ids.slice(0, 100)) dispatcher.enqueue(run(id));
		while (dispatched.length < ids.length) await settle();
		await settle();
		expect(dispatched).toEqual(ids);
		expect(dispatcher.queuedCount()).toBe(0);
	});
});
