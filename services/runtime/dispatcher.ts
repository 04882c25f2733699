export interface QueuedRun {
	run_id: string;
	org_id: string;
	agent_id: string;
	/** Chat runs: their session, whose runs an actor executes in order. */
	session_id?: string;
}

export type Throttle = { key: string; concurrency: number } | null;

/**
 * Queued runs wait here until their org is under its concurrency limit (§26 `max_concurrent_runs`)
 * and no throttling budget holds them back (§8); orgs are served round-robin so one org's burst
 * cannot starve the others.
 */
export class FairDispatcher {
	private readonly queues = new Map<string, QueuedRun[]>();
	/** Ids of the runs in the queues: a burst of thousands is not scanned for every run added or finished. */
	private readonly queued = new Set<string>();
	private readonly inFlight = new Map<string, Set<string>>();
	private readonly throttled = new Map<string, Set<string>>();
	private readonly throttleKeyOf = new Map<string, string>();
	/** Chat sessions with a run handed to an actor: their next run waits here, holding no org slot (§19). */
	private readonly busySessions = new Set<string>();
	private readonly sessionOfRun = new Map<string, string>();
	private pumping = false;
	private again = false;

	constructor(
		private readonly limitOf: (orgId: string) => Promise<number>,
		private readonly dispatch: (run: QueuedRun) => Promise<boolean>,
		private readonly throttleOf: (run: QueuedRun) => Promise<Throttle> = async () => null
	) {}

	enqueue(run: QueuedRun): void {
		if (this.inFlight.get(run.org_id)?.has(run.run_id)) return;
		if (this.queued.has(run.run_id)) return;
		const queue = this.queues.get(run.org_id) ?? [];
		queue.push(run);
		this.queued.add(run.run_id);
		this.queues.set(run.org_id, queue);
		void this.pump();
	}

	/** A run that is already executing counts toward its org's limit (used after a restart). */
	markInFlight(orgId: string, runId: string): void {
		const set = this.inFlight.get(orgId) ?? new Set();
		set.add(runId);
		this.inFlight.set(orgId, set);
	}

	finished(orgId: string, runId: string): void {
		this.inFlight.get(orgId)?.delete(runId);
		const session = this.sessionOfRun.get(runId);
		if (session) {
			this.busySessions.delete(session);
			this.sessionOfRun.delete(runId);
		}
		const key = this.throttleKeyOf.get(runId);
		if (key) {
			this.throttled.get(key)?.delete(runId);
			this.throttleKeyOf.delete(runId);
		}
		const queue = this.queued.delete(runId) ? this.queues.get(orgId) : undefined;
		if (queue) this.queues.set(orgId, queue.filter(q => q.run_id !== runId));
		void this.pump();
	}

	queuedCount(): number {
		let n = 0;
		for (const q of this.queues.values()) n += q.length;
		return n;
	}

	/** Takes the first run of the queue that no throttle holds back and whose chat session is not busy. */
	private async firstStartable(queue: QueuedRun[]): Promise<QueuedRun | null> {
		for (let i = 0; i < queue.length; i++) {
			const session = queue[i].session_id;
			if (session && this.busySessions.has(session)) continue;
			const throttle = await this.throttleOf(queue[i]);
			if (throttle) {
				const running = this.throttled.get(throttle.key) ?? new Set<string>();
				if (running.size >= throttle.concurrency) continue;
				running.add(queue[i].run_id);
				this.throttled.set(throttle.key, running);
				this.throttleKeyOf.set(queue[i].run_id, throttle.key);
			}
			this.queued.delete(queue[i].run_id);
			return queue.splice(i, 1)[0];
		}
		return null;
	}

	async pump(): Promise<void> {
		if (this.pumping) {
			this.again = true;
			return;
		}
		this.pumping = true;
		try {
			do {
				this.again = false;
				let progressed = true;
				while (progressed) {
					progressed = false;
					for (const [orgId, queue] of [...this.queues]) {
						if (!queue.length) {
							this.queues.delete(orgId);
							continue;
						}
						const running = this.inFlight.get(orgId)?.size ?? 0;
						if (running >= (await this.limitOf(orgId))) continue;
						const next = await this.firstStartable(queue);
						if (!next) continue;
						this.markInFlight(orgId, next.run_id);
						if (next.session_id) {
							this.busySessions.add(next.session_id);
							this.sessionOfRun.set(next.run_id, next.session_id);
						}
						if (await this.dispatch(next)) progressed = true;
						else {
							// No actor could take it now: it stays queued for the sweeper to retry.
							this.finished(orgId, next.run_id);
						}
					}
				}
			} while (this.again);
		} finally {
			this.pumping = false;
		}
	}
}
