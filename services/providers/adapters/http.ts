import { FluxError } from "../../../lib/errors";
import { assertOutboundAllowed, OutboundError } from "../../../lib/outbound";
import { maskSecrets } from "../../secrets/mask";
import type { ModelHooks } from "./types";

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_STREAM_BYTES = 16 * 1024 * 1024;
const MAX_ERROR_BYTES = 64 * 1024;
const MAX_RETRY_WAIT_MS = 2_000;

export const providerError = (message: string) => new FluxError(503, "PROVIDER_ERROR", message);

/** What a call rejects with when the caller aborts it. */
export function cancelled(signal?: AbortSignal): Error {
	const reason = signal?.reason;
	if (reason instanceof FluxError) return reason;
	return new FluxError(409, "CANCELLED", "The model call was cancelled");
}

/**
 * One model call's deadline, abort signal and error hygiene: every message it produces has the
 * call's credentials replaced by `****`.
 */
export class UpstreamCall {
	readonly signal: AbortSignal;
	private readonly timeout: AbortSignal;
	readonly timeoutMs: number;

	constructor(
		readonly hooks: ModelHooks,
		readonly vendor: string,
		private readonly credentials: (string | null | undefined)[]
	) {
		this.timeoutMs = hooks.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.timeout = AbortSignal.timeout(this.timeoutMs);
		this.signal = hooks.signal ? AbortSignal.any([hooks.signal, this.timeout]) : this.timeout;
	}

	scrub(message: string): string {
		return maskSecrets(message, this.credentials.filter((c): c is string => !!c && c.length >= 4)) as string;
	}

	fail(message: string): FluxError {
		return providerError(this.scrub(message));
	}

	/** The error for a failure while talking to the upstream: cancellation, timeout or a network problem. */
	failure(err: unknown, host: string): Error {
		if (this.hooks.signal?.aborted) return cancelled(this.hooks.signal);
		if (this.timeout.aborted) return this.fail(`${this.vendor} did not answer within ${this.timeoutMs} ms`);
		if (err instanceof FluxError && (err.type === "PROVIDER_ERROR" || err.type === "CANCELLED")) return err;
		const cause = (err as any)?.cause?.code ?? (err as any)?.message ?? "network error";
		return this.fail(`Could not reach ${this.vendor} at ${host}: ${cause}`);
	}

	/**
	 * POSTs JSON; an upstream 429 or 5xx is retried once (§27), anything else is final. Answers the
	 * successful response with its body unread (for streaming).
	 */
	async post(rawUrl: string, headers: Record<string, string>, body: unknown): Promise<Response> {
		let url: URL;
		try {
			url = new URL(rawUrl);
		} catch {
			throw this.fail(`${this.vendor}: invalid base_url`);
		}
		try {
			await assertOutboundAllowed(url, this.hooks.policy);
		} catch (err) {
			if (err instanceof OutboundError) throw this.fail(`${this.vendor}: ${err.message}`);
			throw err;
		}
		const payload = JSON.stringify(body);
		for (let attempt = 1; ; attempt++) {
			if (this.hooks.signal?.aborted) throw cancelled(this.hooks.signal);
			let res: Response;
			try {
				res = await fetch(url, {
					method: "POST",
					headers: { "content-type": "application/json", accept: "text/event-stream, application/json", ...headers },
					body: payload,
					signal: this.signal,
					redirect: "manual"
				});
			} catch (err) {
				throw this.failure(err, url.host);
			}
			if (res.ok) return res;
			const retryable = res.status === 429 || res.status >= 500;
			const text = await this.readCapped(res, MAX_ERROR_BYTES).catch(() => "");
			if (retryable && attempt === 1) {
				await this.wait(retryDelay(res.headers.get("retry-after")));
				continue;
			}
			throw this.fail(`${this.vendor} answered HTTP ${res.status}${upstreamMessage(text)}`);
		}
	}

	private async readCapped(res: Response, max: number): Promise<string> {
		const chunks: Uint8Array[] = [];
		let size = 0;
		for await (const chunk of res.body ?? []) {
			size += chunk.length;
			if (size > max) {
				await res.body?.cancel().catch(() => undefined);
				break;
			}
			chunks.push(chunk);
		}
		return Buffer.concat(chunks).toString("utf8");
	}

	private wait(ms: number): Promise<void> {
		return new Promise((resolve, reject) => {
			const done = () => {
				clearTimeout(timer);
				this.signal.removeEventListener("abort", onAbort);
			};
			const onAbort = () => {
				done();
				reject(this.failure(null, ""));
			};
			const timer = setTimeout(() => {
				done();
				resolve();
			}, ms);
			this.signal.addEventListener("abort", onAbort, { once: true });
		});
	}

	/** The whole body as JSON (for upstreams that answer without streaming). */
	async json(res: Response): Promise<any> {
		let text: string;
		try {
			text = await this.readCapped(res, MAX_STREAM_BYTES);
		} catch (err) {
			throw this.failure(err, new URL(res.url || "http://upstream").host);
		}
		try {
			return JSON.parse(text);
		} catch {
			throw this.fail(`${this.vendor} answered with a body that is not JSON`);
		}
	}

	/** Server-sent events of a streaming response, read incrementally. */
	async *events(res: Response): AsyncGenerator<{ event: string; data: string }> {
		const decoder = new TextDecoder();
		let buffer = "";
		let size = 0;
		let event = "";
		let data: string[] = [];
		const reader = res.body?.getReader();
		if (!reader) return;
		try {
			for (;;) {
				let chunk: Awaited<ReturnType<typeof reader.read>>;
				try {
					chunk = await reader.read();
				} catch (err) {
					throw this.failure(err, "");
				}
				if (chunk.done) break;
				size += chunk.value.length;
				if (size > MAX_STREAM_BYTES) throw this.fail(`${this.vendor} streamed more than ${MAX_STREAM_BYTES} bytes`);
				buffer += decoder.decode(chunk.value, { stream: true });
				let newline: number;
				while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
					const line = buffer.slice(0, newline);
					buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
					if (line === "") {
						if (data.length) yield { event: event || "message", data: data.join("\n") };
						event = "";
						data = [];
					} else if (line.startsWith("data:")) {
						data.push(line.slice(5).replace(/^ /, ""));
					} else if (line.startsWith("event:")) {
						event = line.slice(6).trim();
					}
				}
			}
			if (data.length) yield { event: event || "message", data: data.join("\n") };
		} finally {
			reader.releaseLock();
			await res.body?.cancel().catch(() => undefined);
		}
	}
}

function retryDelay(header: string | null): number {
	const seconds = header ? Number(header) : NaN;
	if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_WAIT_MS);
	return 200;
}

/** The upstream's own error text, when it gave one. */
function upstreamMessage(text: string): string {
	if (!text) return "";
	let message: string = text;
	try {
		const body = JSON.parse(text);
		const e = Array.isArray(body) ? body[0]?.error : body?.error;
		message = (typeof e === "string" ? e : e?.message) ?? body?.message ?? text;
	} catch {
		/* plain text */
	}
	return `: ${String(message).replace(/\s+/g, " ").slice(0, 300)}`;
}

export const isJsonResponse = (res: Response) => (res.headers.get("content-type") ?? "").includes("application/json");

export function parseJsonObject(text: string): Record<string, unknown> {
	if (!text) return {};
	try {
		const value = JSON.parse(text);
		return value && typeof value === "object" && !Array.isArray(value) ? value : { value };
	} catch {
		return { _raw: text };
	}
}

/** `base` without trailing slashes, then `path`. */
export const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, "")}${path}`;
