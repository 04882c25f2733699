import type { StreamEvent } from "../sdk/src";
import { dim, green, info, red, type Output } from "./output";

const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const DONE = new Set(["completed", "simulated"]);

/**
 * Shows a run as it streams: a line per finished step (type, name, tokens, latency) and, on a terminal,
 * a live status line with the current step, streamed tokens so far and elapsed time.
 */
export class RunProgress {
	private status = "queued";
	private current: { index: number; type: string; name: string } | null = null;
	private streamedChunks = 0;
	private tokensIn = 0;
	private tokensOut = 0;
	private frame = 0;
	private readonly finishedSteps = new Set<number>();
	private readonly started = Date.now();
	private timer: NodeJS.Timeout | null = null;

	constructor(private readonly out: Output) {
		if (out.stderr.isTTY) this.timer = setInterval(() => this.redraw(), 100);
	}

	onEvent(event: StreamEvent): void {
		const data = event.data ?? {};
		if (event.event === "run.status") {
			if (data.status !== this.status || data.previous_status == null) this.line(`${dim(this.out, "status")} ${data.status}${data.status === "awaiting_approval" ? " (approve in the approvals inbox or POST /api/v1/runtime/approvals/{id}/approve)" : ""}`);
			this.status = data.status;
		} else if (event.event === "step") {
			if (data.status === "running" || data.status === "awaiting") {
				this.current = { index: data.index, type: data.type, name: data.name };
				this.streamedChunks = 0;
			} else if (!this.finishedSteps.has(data.index)) {
				this.finishedSteps.add(data.index);
				this.tokensIn += data.tokens_input ?? 0;
				this.tokensOut += data.tokens_output ?? 0;
				const mark = DONE.has(data.status) ? green(this.out, "✓") : red(this.out, "✗");
				const tokens = data.type === "llm_call" ? `  ${data.tokens_input ?? 0}→${data.tokens_output ?? 0} tokens` : "";
				this.line(`${mark} step ${data.index} ${data.type} ${data.name} ${data.status}${tokens}  ${data.latency_ms ?? 0} ms`);
				if (this.current?.index === data.index) {
					this.current = null;
					this.streamedChunks = 0;
				}
			}
		} else if (event.event === "token") {
			// A stream opened mid-call replays only stored steps, so the call in progress is known from its tokens.
			if (this.current?.index !== data.step_index) this.current = { index: data.step_index, type: "llm_call", name: "" };
			this.streamedChunks++;
		}
	}

	/** Prints the terminal summary line and stops the live line. */
	finish(run: { status?: string; tokens_input?: number; tokens_output?: number; cost_usd?: number; latency_ms?: number; error?: { code?: string; message?: string } | null }): void {
		if (this.timer) clearInterval(this.timer);
		this.clearLive();
		const summary = `${run.tokens_input ?? this.tokensIn}→${run.tokens_output ?? this.tokensOut} tokens, $${(run.cost_usd ?? 0).toFixed(6)}, ${run.latency_ms ?? Date.now() - this.started} ms`;
		if (run.status === "completed") info(this.out, `${green(this.out, "completed")}  ${summary}`);
		else info(this.out, `${red(this.out, run.status ?? "failed")}  ${run.error?.code ?? ""} ${run.error?.message ?? ""}  ${summary}`.trim());
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.clearLive();
	}

	private line(text: string): void {
		this.clearLive();
		info(this.out, text);
		this.redraw();
	}

	private clearLive(): void {
		if (this.out.stderr.isTTY) this.out.stderr.write("\r\u001b[K");
	}

	private redraw(): void {
		if (!this.out.stderr.isTTY) return;
		this.frame = (this.frame + 1) % SPINNER.length;
		const step = this.current ? ` · step ${[this.current.index, this.current.type, this.current.name].join(" ").trim()}` : "";
		const streamed = this.streamedChunks ? ` · ${this.streamedChunks} tokens streamed` : "";
		const elapsed = ((Date.now() - this.started) / 1000).toFixed(1);
		const total = this.tokensIn + this.tokensOut;
		this.out.stderr.write(`\r\u001b[K${SPINNER[this.frame]} ${this.status}${step}${streamed}${total ? ` · ${total} tokens so far` : ""} · ${elapsed} s`);
	}
}
