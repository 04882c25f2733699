import type { OutboundPolicy } from "../../lib/outbound";
import { maskSecrets } from "../secrets/mask";
import { referencedNames } from "../secrets/references";
import { McpCallError, type McpConnection } from "./client";
import type { McpServerDoc } from "./model";

/** Resolves `{{secrets.NAME}}` references in a string: the secrets module's answer. */
export type Resolve = (value: string) => Promise<{ value: string; masks: string[] }>;

/** A connection and every credential value it carries, so anything recorded can be masked. */
export interface Prepared {
	conn: McpConnection;
	masks: string[];
}

/** The auth headers of `auth_type` with this token (`per_user_bearer` sends a bearer token: the server's for discovery, the end user's for calls). */
export function authHeaders(server: Pick<McpServerDoc, "auth_type" | "auth_header">, token: string | null): Record<string, string> {
	if (!token || server.auth_type === "none") return {};
	switch (server.auth_type) {
		case "bearer":
		case "per_user_bearer":
			return { Authorization: `Bearer ${token}` };
		case "api_key":
			return { [server.auth_header]: token };
		case "basic":
			return { Authorization: `Basic ${Buffer.from(token, "utf8").toString("base64")}` };
		default:
			return {};
	}
}

/** Resolves a value only when it holds references; a missing secret surfaces as SECRET_NOT_FOUND. */
async function resolved(value: string, resolve: Resolve, masks: string[]): Promise<string> {
	if (!referencedNames(value).size) return value;
	const out = await resolve(value);
	masks.push(...out.masks);
	return out.value;
}

export interface PrepareInput {
	server: McpServerDoc;
	/** The plain token to send (already decrypted), or null. */
	token: string | null;
	resolve: Resolve;
	policy: OutboundPolicy;
	timeoutMs: number;
	userAgent: string;
}

/** The connection for one exchange with a server: URL and token resolved, auth headers built. */
export async function prepareConnection(input: PrepareInput): Promise<Prepared> {
	const masks: string[] = [];
	const url = await resolved(input.server.url, input.resolve, masks);
	const token = input.token === null ? null : await resolved(input.token, input.resolve, masks);
	if (token) masks.push(token);
	if (token && input.server.auth_type === "basic") masks.push(Buffer.from(token, "utf8").toString("base64"));
	try {
		new URL(url);
	} catch {
		throw new McpCallError("unreachable", "The server URL is not a valid URL once its secret references are resolved");
	}
	return { conn: { url, transport: input.server.transport, headers: authHeaders(input.server, token), policy: input.policy, timeoutMs: input.timeoutMs, userAgent: input.userAgent }, masks };
}

export const masked = <T>(data: T, masks: string[]): T => maskSecrets(data, masks) as T;
