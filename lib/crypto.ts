import * as argon2 from "@node-rs/argon2";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const sha256Hex = (input: string): string => createHash("sha256").update(input, "utf8").digest("hex");

export function constantTimeEqual(a: string, b: string): boolean {
	const ab = Buffer.from(a);
	const bb = Buffer.from(b);
	if (ab.length !== bb.length) {
		timingSafeEqual(ab, ab);
		return false;
	}
	return timingSafeEqual(ab, bb);
}

const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** `length` characters from the URL-safe alphabet, uniformly from a CSPRNG (64 divides 256: no bias). */
export function randomUrlSafe(length: number): string {
	const bytes = randomBytes(length);
	let out = "";
	for (let i = 0; i < length; i++) out += URL_SAFE[bytes[i] & 63];
	return out;
}

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { algorithm: 2 /* Argon2id */ });

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
	if (!stored) return false;
	return argon2.verify(stored, password).catch(() => false);
}

/** HS256 JWT. Clients treat it as opaque; only this platform reads it. */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
	const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");
	const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
	const sig = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
	return `${header}.${body}.${sig}`;
}

export function verifyJwt(token: string, secret: string): Record<string, any> | null {
	const parts = token.split(".");
	if (parts.length !== 3) return null;
	const expected = createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest("base64url");
	if (!constantTimeEqual(parts[2], expected)) return null;
	try {
		return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
	} catch {
		return null;
	}
}

/** Reads a key file from the data directory, creating it once (mode 0600) when missing. */
export function loadOrCreateKeyFile(dataDir: string, name: string, create: () => string): string {
	const file = path.join(dataDir, name);
	try {
		return fs.readFileSync(file, "utf8").trim();
	} catch (err: any) {
		if (err.code !== "ENOENT") throw err;
	}
	fs.mkdirSync(dataDir, { recursive: true });
	const value = create();
	try {
		fs.writeFileSync(file, value + "\n", { mode: 0o600, flag: "wx" });
		return value;
	} catch (err: any) {
		if (err.code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
		throw err;
	}
}
