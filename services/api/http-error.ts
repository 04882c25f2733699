import { Errors } from "moleculer";
import { toFieldProblems } from "../../lib/validation";

export interface HttpError {
	status: number;
	code: string;
	message: string;
	details: unknown;
}

const UPPER_SNAKE = /^[A-Z][A-Z0-9_]*$/;

/** Maps anything thrown while serving a request to the contract's error body (§0.8). */
export function toHttpError(err: any): HttpError {
	if (err?.type === "VALIDATION_ERROR" && Array.isArray(err.data)) {
		const details = toFieldProblems(err.data);
		const message = details.map(d => (d.field ? `${d.field}: ${d.message}` : d.message)).join("; ");
		return { status: 400, code: "VALIDATION_ERROR", message, details };
	}
	if (err instanceof Errors.ServiceNotFoundError || err instanceof Errors.RequestTimeoutError || err?.type === "SERVICE_NOT_AVAILABLE") {
		return { status: 503, code: "SERVICE_UNAVAILABLE", message: "A service needed for this request is unavailable: retry shortly", details: null };
	}
	const status = Number(err?.code);
	if (err?.name === "FluxError" || (Number.isInteger(status) && status >= 400 && status < 500 && typeof err?.type === "string" && UPPER_SNAKE.test(err.type))) {
		return { status, code: err.type, message: err.message, details: err.data ?? null };
	}
	return { status: 500, code: "INTERNAL_ERROR", message: "Unexpected server error: retry later, and report the request id if it persists", details: null };
}
