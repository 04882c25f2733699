/** Runs tasks with the same key one after another (in this process), in submission order. */
export class KeyedLock {
	private readonly tails = new Map<string, Promise<unknown>>();

	run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const previous = this.tails.get(key) ?? Promise.resolve();
		const result = previous.then(task, task);
		const tail = result.catch(() => undefined);
		this.tails.set(key, tail);
		void tail.then(() => {
			if (this.tails.get(key) === tail) this.tails.delete(key);
		});
		return result;
	}
}

/** Wakes whoever waits for a session's next settled reply (the session mailbox's turn checks). */
export class SessionSignals {
	private readonly waiters = new Map<string, Set<() => void>>();

	/** Resolves on the session's next signal or after `ms`, whichever comes first. */
	wait(sessionId: string, ms: number): Promise<void> {
		return new Promise(resolve => {
			let set = this.waiters.get(sessionId);
			if (!set) this.waiters.set(sessionId, (set = new Set()));
			const done = () => {
				clearTimeout(timer);
				set!.delete(done);
				if (!set!.size) this.waiters.delete(sessionId);
				resolve();
			};
			const timer = setTimeout(done, ms);
			timer.unref();
			set.add(done);
		});
	}

	signal(sessionId: string): void {
		for (const wake of [...(this.waiters.get(sessionId) ?? [])]) wake();
	}
}
