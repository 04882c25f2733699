import { PassThrough } from "node:stream";

export type RunEvent = { event: string; data: unknown };
type Listener = (e: RunEvent) => void;

/** Live run events of this node, by run id: fed by bus events, read by SSE streams and waiting callers. */
export class RunHub {
	private readonly listeners = new Map<string, Set<Listener>>();
	/** Steps announced as started but not stored yet (an LLM call is stored when it ends), by run and index, for stream replays. */
	private readonly openSteps = new Map<string, Map<number, unknown>>();

	subscribe(runId: string, listener: Listener): () => void {
		let set = this.listeners.get(runId);
		if (!set) this.listeners.set(runId, (set = new Set()));
		set.add(listener);
		return () => {
			set!.delete(listener);
			if (set!.size === 0) this.listeners.delete(runId);
		};
	}

	publish(runId: string, e: RunEvent): void {
		this.trackOpenStep(runId, e);
		const set = this.listeners.get(runId);
		if (set) for (const listener of [...set]) listener(e);
	}

	hasListeners(runId: string): boolean {
		return this.listeners.has(runId);
	}

	openStepsOf(runId: string): { index: number; step: unknown }[] {
		return [...(this.openSteps.get(runId) ?? [])].map(([index, step]) => ({ index, step }));
	}

	private trackOpenStep(runId: string, e: RunEvent): void {
		if (e.event === "run.completed" || e.event === "run.failed") return void this.openSteps.delete(runId);
		if (e.event !== "step") return;
		const step = e.data as { index: number; status: string };
		let open = this.openSteps.get(runId);
		if (step.status === "running" || step.status === "awaiting") {
			if (!open) this.openSteps.set(runId, (open = new Map()));
			open.set(step.index, step);
		} else if (open) {
			open.delete(step.index);
			if (open.size === 0) this.openSteps.delete(runId);
		}
	}
}

const KEEP_ALIVE_MS = 15_000;

/** A text/event-stream body: numbered events, keep-alive comments during silence (§0.13). */
/** Makes an action's answer an SSE stream (§0.13): its media type, no caching, no proxy buffering. */
export function answerAsEventStream(meta: { $responseType?: string; $responseHeaders?: Record<string, string> }): void {
	meta.$responseType = "text/event-stream";
	meta.$responseHeaders = { "Cache-Control": "no-cache", Connection: "keep-alive", "X-Accel-Buffering": "no" };
}

export class SseStream {
	readonly body = new PassThrough();
	private n = 0;
	private keepAlive: NodeJS.Timeout;
	private closed = false;
	private readonly onClose: (() => void)[] = [];

	constructor() {
		this.keepAlive = setInterval(() => this.body.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
		this.keepAlive.unref();
		this.body.on("close", () => this.close());
	}

	send(event: string, data: unknown): void {
		if (this.closed) return;
		this.n += 1;
		this.body.write(`id: ${this.n}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
		this.keepAlive.refresh();
	}

	whenClosed(fn: () => void): void {
		this.onClose.push(fn);
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		clearInterval(this.keepAlive);
		for (const fn of this.onClose) fn();
		this.body.end();
	}
}
