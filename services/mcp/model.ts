import type { FieldProblem } from "../../lib/errors";
import { BOOLEAN, entitySchema, enumOf, INTEGER, NULLABLE_STRING, NULLABLE_TIMESTAMP, STRING } from "../../lib/openapi-schema";
import { SLUG } from "../../lib/validation";

export const TRANSPORTS = ["streamable_http", "sse"] as const;
export const AUTH_TYPES = ["none", "bearer", "api_key", "basic", "per_user_bearer"] as const;
export const SERVER_STATUSES = ["connected", "error", "disabled"] as const;
/** Auth types whose `auth_token` is required (§22; `per_user_bearer` uses it for discovery). */
export const TOKEN_AUTH_TYPES = new Set(["bearer", "api_key", "basic", "per_user_bearer"]);

export const DEFAULT_AUTH_HEADER = "X-API-Key";
export const DEFAULT_REFRESH_SECONDS = 3600;

export type Transport = (typeof TRANSPORTS)[number];
export type AuthType = (typeof AUTH_TYPES)[number];
export type ServerStatus = (typeof SERVER_STATUSES)[number];

export interface McpServerDoc {
	id: string;
	org_id: string;
	name: string;
	/** As written: may hold `{{secrets.NAME}}` references, resolved at call time. */
	url: string;
	transport: Transport;
	auth_type: AuthType;
	/** The encrypted `auth_token` (vault), or null. */
	auth_token_ciphertext: string | null;
	auth_header: string;
	refresh_interval_seconds: number;
	enabled: boolean;
	/** Outcome of the last discovery: `connected` or `error` (`disabled` is derived from `enabled`). */
	connection: "connected" | "error";
	last_error: string | null;
	last_discovered_at: string | null;
	/** Epoch ms when the periodic refresh is next due; claimed by one node at a time. */
	next_refresh_at: number;
	created_by: string | null;
	created_at: string;
	updated_at: string;
}

export interface UserCredentialDoc {
	id: string;
	org_id: string;
	server_id: string;
	end_user_id: string;
	token_ciphertext: string;
	expires_at: string | null;
	created_at: string;
	updated_at: string;
}

export const statusOf = (doc: Pick<McpServerDoc, "enabled" | "connection">): ServerStatus => (doc.enabled ? doc.connection : "disabled");

/** Filter for the `status` query parameter. */
export function statusFilter(status: ServerStatus): Record<string, unknown> {
	return status === "disabled" ? { enabled: false } : { enabled: true, connection: status };
}

export function presentServer(doc: McpServerDoc, toolCount: number) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		url: doc.url,
		transport: doc.transport,
		auth_type: doc.auth_type,
		has_auth_token: !!doc.auth_token_ciphertext,
		auth_header: doc.auth_header,
		refresh_interval_seconds: doc.refresh_interval_seconds,
		enabled: doc.enabled,
		status: statusOf(doc),
		last_error: doc.last_error ?? null,
		last_discovered_at: doc.last_discovered_at ?? null,
		tool_count: toolCount,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentCredential(doc: UserCredentialDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		server_id: doc.server_id,
		end_user_id: doc.end_user_id,
		has_token: !!doc.token_ciphertext,
		expires_at: doc.expires_at ?? null,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export const isExpired = (doc: Pick<UserCredentialDoc, "expires_at">, now = Date.now()) => doc.expires_at !== null && Date.parse(doc.expires_at) <= now;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the client itself sets: an `api_key` header must not replace them. */
const RESERVED_HEADERS = new Set(["host", "content-type", "content-length", "accept", "mcp-session-id", "mcp-protocol-version", "connection", "transfer-encoding"]);

/** An absolute http(s) URL; `{{secrets.NAME}}` placeholders are allowed anywhere (resolved at call time). */
export function urlProblem(url: string): string | null {
	let parsed: URL;
	try {
		parsed = new URL(url.replace(/\{\{[^{}]*\}\}/g, "x"));
	} catch {
		return "must be an absolute http(s) URL";
	}
	if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "must be an absolute http(s) URL";
	return parsed.hostname ? null : "must name a host";
}

/** Problems of the connection fields a body carries (types are already checked by the params rules). */
export function bodyProblems(body: Record<string, any>): FieldProblem[] {
	const problems: FieldProblem[] = [];
	if (typeof body.url === "string") {
		const url = urlProblem(body.url);
		if (url) problems.push({ field: "url", message: url });
	}
	if (typeof body.auth_header === "string") {
		if (!HEADER_NAME.test(body.auth_header)) problems.push({ field: "auth_header", message: "must be a valid HTTP header name" });
		else if (RESERVED_HEADERS.has(body.auth_header.toLowerCase())) problems.push({ field: "auth_header", message: "must not be a header the MCP client sets itself" });
	}
	const token = body.auth_token;
	if (body.auth_type === "basic" && typeof token === "string" && !token.includes("{{") && !token.includes(":")) {
		problems.push({ field: "auth_token", message: "must be user:password for basic auth" });
	}
	return problems;
}

/** `auth_token` is required for every auth type but `none` (§22). */
export function tokenProblems(authType: string, hasToken: boolean): FieldProblem[] {
	return TOKEN_AUTH_TYPES.has(authType) && !hasToken ? [{ field: "auth_token", message: `is required when auth_type is ${authType}` }] : [];
}

export const MCP_SERVER_SCHEMA = entitySchema({
	name: { type: "string", pattern: SLUG },
	url: { type: "string" },
	transport: enumOf(TRANSPORTS),
	auth_type: enumOf(AUTH_TYPES),
	has_auth_token: BOOLEAN,
	auth_header: STRING,
	refresh_interval_seconds: { type: "integer", minimum: 300, maximum: 86400 },
	enabled: BOOLEAN,
	status: enumOf(SERVER_STATUSES),
	last_error: NULLABLE_STRING,
	last_discovered_at: NULLABLE_TIMESTAMP,
	tool_count: INTEGER
});

export const USER_CREDENTIAL_SCHEMA = entitySchema({
	server_id: STRING,
	end_user_id: STRING,
	has_token: BOOLEAN,
	expires_at: NULLABLE_TIMESTAMP
});

export const DISCOVERY_RESULT_SCHEMA = {
	type: "object",
	properties: {
		server: { $ref: "#/components/schemas/McpServer" },
		tools_added: { type: "array", items: STRING },
		tools_removed: { type: "array", items: STRING },
		tools_total: INTEGER
	}
};

