import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from "openapi-fetch";
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { FluxgateError, retryAfterSeconds } from "./errors";
import type { components, operations, paths } from "./schema";
import { parseEventStream, type StreamEvent } from "./sse";

export { FluxgateError } from "./errors";
export type { ErrorBody } from "./errors";
export type { StreamEvent } from "./sse";
export type { components, operations, paths };
export type Schemas = components["schemas"];

export interface FluxgateOptions {
	/** Where the gateway answers, e.g. `http://localhost:3000`. */
	baseUrl: string;
	/** An API key (`fgk_…`); or use `accessToken` from `POST /api/v1/auth/login`. */
	apiKey?: string;
	accessToken?: string;
	/** How often a 429 is retried after its `Retry-After` (default 2; 0 turns retries off). */
	maxRetries?: number;
	/** Longest `Retry-After` worth waiting for; a longer one is thrown at once (default 60 s). */
	maxRetryWaitSeconds?: number;
	fetch?: typeof globalThis.fetch;
	headers?: Record<string, string>;
}

type InitParam<Init> = RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

/** A typed call that resolves to the response body and throws `FluxgateError` on any non-2xx answer. */
export type Call<Paths extends Record<string, Record<HttpMethod, {}>>, Method extends HttpMethod> = <
	Path extends PathsWithMethod<Paths, Method>,
	Init extends MaybeOptionalInit<Paths[Path], Method>
>(
	path: Path,
	...init: InitParam<Init>
) => Promise<Exclude<FetchResponse<Paths[Path][Method], Init, `${string}/${string}`>["data"], undefined>>;

export interface StreamOptions {
	method?: "GET" | "POST";
	query?: Record<string, string | number | boolean | undefined>;
	body?: unknown;
	signal?: AbortSignal;
}

export interface FluxgateClient<Paths extends {}> {
	GET: Call<Paths, "get">;
	POST: Call<Paths, "post">;
	PUT: Call<Paths, "put">;
	PATCH: Call<Paths, "patch">;
	DELETE: Call<Paths, "delete">;
	/** Opens any SSE endpoint (path with its parameters filled in) and yields its events until the server closes it. */
	stream(path: string, options?: StreamOptions): AsyncGenerator<StreamEvent>;
	runs: {
		/** A run's replay then live events: `run.status`, `step`, `token`, and `run.completed` or `run.failed` last. */
		stream(runId: string, options?: { signal?: AbortSignal }): AsyncGenerator<StreamEvent>;
	};
	chat: {
		/** Sends a message and streams the reply: `message.delta` …, then `message.completed` or `error`. */
		send(sessionId: string, content: string, options?: { signal?: AbortSignal }): AsyncGenerator<StreamEvent>;
	};
	/** The underlying openapi-fetch client, for calls that need the raw `Response`. */
	raw: Client<Paths>;
}

export type Fluxgate = FluxgateClient<paths>;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Retries 429 answers after the `Retry-After` they carry, up to `maxRetries` times. */
function retryingFetch(options: FluxgateOptions): typeof globalThis.fetch {
	const baseFetch = options.fetch ?? globalThis.fetch;
	const maxRetries = options.maxRetries ?? 2;
	const maxWait = options.maxRetryWaitSeconds ?? 60;
	return async (input, init) => {
		const request = new Request(input, init);
		for (let attempt = 0; ; attempt++) {
			const response = await baseFetch(attempt < maxRetries ? request.clone() : request);
			const wait = response.status === 429 ? retryAfterSeconds(response.headers) : null;
			if (attempt >= maxRetries || wait == null || wait > maxWait) return response;
			await response.body?.cancel();
			await sleep(wait * 1000);
		}
	};
}

export function createFluxgate(options: FluxgateOptions): Fluxgate {
	const baseUrl = options.baseUrl.replace(/\/+$/, "");
	const credential = options.apiKey ?? options.accessToken;
	const headers: Record<string, string> = { ...options.headers };
	if (credential) headers.authorization = `Bearer ${credential}`;
	const fetch = retryingFetch(options);
	const raw = createClient<paths>({ baseUrl, headers, fetch });
	raw.use({
		async onResponse({ response }) {
			if (!response.ok) throw await FluxgateError.fromResponse(response);
			return undefined;
		}
	});
	const unwrap =
		(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"): any =>
		async (path: string, init?: object) =>
			((await (raw as any)[method](path, init)) as { data: unknown }).data;

	async function* stream(path: string, streamOptions: StreamOptions = {}): AsyncGenerator<StreamEvent> {
		const url = new URL(baseUrl + path);
		for (const [key, value] of Object.entries(streamOptions.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
		const hasBody = streamOptions.body !== undefined;
		const response = await fetch(url, {
			method: streamOptions.method ?? (hasBody ? "POST" : "GET"),
			headers: { ...headers, accept: "text/event-stream", ...(hasBody ? { "content-type": "application/json" } : {}) },
			body: hasBody ? JSON.stringify(streamOptions.body) : undefined,
			signal: streamOptions.signal
		});
		if (!response.ok) throw await FluxgateError.fromResponse(response);
		if (!response.body) return;
		yield* parseEventStream(response.body);
	}

	return {
		GET: unwrap("GET"),
		POST: unwrap("POST"),
		PUT: unwrap("PUT"),
		PATCH: unwrap("PATCH"),
		DELETE: unwrap("DELETE"),
		stream,
		runs: { stream: (runId, opts) => stream(`/api/v1/runtime/runs/${encodeURIComponent(runId)}/stream`, opts) },
		chat: {
			send: (sessionId, content, opts) =>
				stream(`/api/v1/chat/sessions/${encodeURIComponent(sessionId)}/messages`, { body: { content, stream: true }, signal: opts?.signal })
		},
		raw
	};
}
