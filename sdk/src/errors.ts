/** The contract's error body (§0.8): `{error: {code, message, details, request_id}}`. */
export interface ErrorBody {
	error: { code: string; message: string; details: unknown; request_id: string };
}

/** A non-2xx answer, carrying the stable `code` and the `request_id` to quote when reporting it. */
export class FluxgateError extends Error {
	readonly status: number;
	readonly code: string;
	readonly requestId: string | null;
	readonly details: unknown;
	/** Seconds the server asked to wait (429 and some 503 answers), when it said. */
	readonly retryAfterSeconds: number | null;

	constructor(status: number, body: Partial<ErrorBody> | null, headers: Headers) {
		const error = body?.error;
		super(error?.message ?? `HTTP ${status}`);
		this.name = "FluxgateError";
		this.status = status;
		this.code = error?.code ?? `HTTP_${status}`;
		this.requestId = error?.request_id ?? headers.get("x-request-id");
		this.details = error?.details ?? null;
		this.retryAfterSeconds = retryAfterSeconds(headers);
	}

	static async fromResponse(response: Response): Promise<FluxgateError> {
		const text = await response.text().catch(() => "");
		let body: Partial<ErrorBody> | null = null;
		try {
			body = text ? JSON.parse(text) : null;
		} catch {
			body = null;
		}
		return new FluxgateError(response.status, body, response.headers);
	}
}

export function retryAfterSeconds(headers: Headers): number | null {
	const value = headers.get("retry-after");
	if (value == null) return null;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds);
	const date = Date.parse(value);
	return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
