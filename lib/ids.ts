import { randomBytes } from "node:crypto";

/** Opaque id `<prefix>_<16 url-safe chars>`; the prefix keeps ids from ever equalling a literal path segment. */
export function newId(prefix: string): string {
	return `${prefix}_${randomBytes(12).toString("base64url")}`;
}

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

const REQUEST_ID_PREFIX = randomBytes(4).toString("hex");
let requestCounter = 0;

/** 16 hex characters, unique per process and unguessable enough for correlation: random prefix + counter. */
export function newRequestId(): string {
	requestCounter = (requestCounter + 1) % 0x100000000;
	return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(8, "0");
}
