/** An actor's bulkhead: at most `concurrency` jobs at once, the rest wait in FIFO order. */
export class Mailbox {
	private running = 0;
	private readonly waiting: (() => Promise<void>)[] = [];

	constructor(private limit: number) {}

	get concurrency(): number {
		return this.limit;
	}

	/** A new limit applies at once: more jobs start if it grew; running ones finish if it shrank. */
	setConcurrency(limit: number): void {
		this.limit = limit;
		this.drain();
	}

	get depth(): number {
		return this.waiting.length;
	}

	get active(): number {
		return this.running;
	}

	post(job: () => Promise<void>): void {
		this.waiting.push(job);
		this.drain();
	}

	private drain(): void {
		while (this.running < this.limit && this.waiting.length) {
			const job = this.waiting.shift() as () => Promise<void>;
			this.running += 1;
			job()
				.catch(() => undefined)
				.finally(() => {
					this.running -= 1;
					this.drain();
				});
		}
	}
}
