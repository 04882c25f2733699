import { randomBytes } from "node:crypto";

/** Opaque id `<prefix>_<16 url-safe chars>`; the prefix keeps ids from ever equalling a literal path segment. */
export function newId(prefix: string): string {
	return `${prefix}_${randomBytes(12).toString("base64url")}`;
}

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export function newRequestId(): string {
	return randomBytes(8).toString("hex");
}
