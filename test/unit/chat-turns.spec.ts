import { Mailbox } from "../../services/actors/mailbox";
import { SessionMailbox } from "../../services/actors/session-mailbox";
import { KeyedLock, SessionSignals } from "../../services/chat/turns";

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe("session ordering", () => {
	it("KeyedLock runs tasks of one key in order, other keys independently, and survives failures", async () => {
		const lock = new KeyedLock();
		const log: string[] = [];
		const task = (name: string, ms: number, fail = false) => async () => {
			log.push(`start ${name}`);
			await sleep(ms);
			log.push(`end ${name}`);
			if (fail) throw new Error(name);
			return name;
		};
		const results = await Promise.allSettled([lock.run("s", task("a1", 30, true)), lock.run("s", task("a2", 1)), lock.run("t", task("b1", 5))]);
		expect(results.map(r => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
		expect(log.indexOf("end a1")).toBeLessThan(log.indexOf("start a2"));
		expect(log.indexOf("end b1")).toBeLessThan(log.indexOf("end a1"));
	});

	it("SessionSignals wakes waiters of one session only, or lets them time out", async () => {
		const signals = new SessionSignals();
		const started = Date.now();
		const woken = signals.wait("s1", 5_000);
		const timedOut = signals.wait("s2", 30);
		signals.signal("s1");
		await woken;
		await timedOut;
		expect(Date.now() - started).toBeLessThan(1_000);
	});

	it("SessionMailbox executes one session's jobs one at a time after their turn, sessions in parallel", async () => {
		const mailbox = new Mailbox(8);
		const turns: string[] = [];
		const sessions = new SessionMailbox(mailbox, async job => {
			turns.push(job.run_id);
		});
		const log: string[] = [];
		const running = new Set<string>();
		let overlapAcrossSessions = false;
		const done: Promise<void>[] = [];
		const post = (session: string, run: string, ms: number) =>
			done.push(
				new Promise<void>(resolve =>
					sessions.post({ run_id: run, org_id: "o", session_id: session }, async () => {
						expect([...running].some(r => r.startsWith(session))).toBe(false);
						if (running.size) overlapAcrossSessions = true;
						running.add(`${session}:${run}`);
						log.push(`start ${run}`);
						await sleep(ms);
						running.delete(`${session}:${run}`);
						log.push(`end ${run}`);
						resolve();
					})
				)
			);
		post("a", "a1", 40);
		post("a", "a2", 1);
		post("b", "b1", 20);
		post("a", "a3", 1);
		await Promise.all(done);
		expect(log.filter(l => l.includes(" a"))).toEqual(["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]);
		expect(overlapAcrossSessions).toBe(true);
		expect(turns.filter(t => t.startsWith("a"))).toEqual(["a1", "a2", "a3"]);
		// Finished sessions leave no trace behind.
		await sleep(5);
		expect(sessions.sessions).toBe(0);
	});
});
