/** Runs tasks one at a time per key (here: per org), in arrival order; different keys run concurrently. */
export class KeyedQueue {
	private readonly tails = new Map<string, Promise<unknown>>();

	run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const previous = this.tails.get(key) ?? Promise.resolve();
		const result = previous.then(task, task);
		const tail = result.then(
			() => undefined,
			() => undefined
		);
		this.tails.set(key, tail);
		// Forget the key once its queue drains, so idle orgs hold no memory.
		void tail.then(() => {
			if (this.tails.get(key) === tail) this.tails.delete(key);
		});
		return result;
	}

	/** Settles once every task queued so far has finished. */
	async drain(): Promise<void> {
		await Promise.all([...this.tails.values()]);
	}
}
