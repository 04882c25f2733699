import type { IncomingMessage } from "node:http";
import * as errors from "../../lib/errors";

/** Reads the raw body, refusing (413) as soon as it passes `limit` bytes. */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	const declared = Number(req.headers["content-length"]);
	if (Number.isFinite(declared) && declared > limit) {
		req.resume();
		return Promise.reject(errors.payloadTooLarge(limit));
	}
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let failed = false;
		req.on("data", (chunk: Buffer) => {
			if (failed) return;
			size += chunk.length;
			if (size > limit) {
				failed = true;
				reject(errors.payloadTooLarge(limit));
				return;
			}
			chunks.push(chunk);
		});
		req.on("end", () => failed || resolve(Buffer.concat(chunks)));
		req.on("error", err => failed || reject(err));
	});
}

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-?8"?\s*)?$/i;

/**
 * Parses a JSON request body (§0.1): an empty body is `{}`; any other media type is 415; malformed JSON
 * is 400 INVALID_JSON; a top level that is not an object is 400 VALIDATION_ERROR.
 */
export function parseJsonBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
	if (raw.length === 0) return {};
	if (!contentType || !JSON_TYPE.test(contentType.trim())) throw errors.unsupportedMediaType(contentType ?? "");
	let value: unknown;
	try {
		value = JSON.parse(raw.toString("utf8"));
	} catch (err: any) {
		throw errors.invalidJson(err.message);
	}
	if (value === null || typeof value !== "object" || Array.isArray(value)) {
		throw errors.validation([{ field: "", message: "the body must be a JSON object" }]);
	}
	return value as Record<string, unknown>;
}

/** A Content-Type that is not JSON, on a request that carries a body (checked before the size). */
export function checkMediaType(req: IncomingMessage): void {
	const length = Number(req.headers["content-length"] ?? 0);
	const chunked = req.headers["transfer-encoding"] != null;
	if (!length && !chunked) return;
	const type = req.headers["content-type"];
	if (!type || !JSON_TYPE.test(type.trim())) throw errors.unsupportedMediaType(type ?? "");
}
