/**
 * Facts an action declares about its HTTP route. The gateway enforces them in one place and the
 * OpenAPI document is generated from them, so routes, checks and documentation cannot drift apart.
 */

/**
 * - `string[]`: every listed permission is required (§0.4)
 * - `"public"`: no credential (login, register, refresh)
 * - `"authenticated"`: any valid credential
 * - `"user"`: a user's access token (API keys get 403)
 * - `"platform_admin"`: the platform_admin role (§26)
 * - `"publication"`: a published agent's public route (§28), admitted by its key, origins and rate limit (see `publicKey`)
 */
export type RouteAccess = string[] | "public" | "authenticated" | "user" | "platform_admin" | "publication";

/**
 * How a `"publication"` route takes its key: by default `X-Fluxgate-Public-Key` or `?key=`; `"bearer"`
 * also `Authorization: Bearer <key>`.
 */
export type PublicKeyRule = "bearer";

export interface AuditSpec {
	/** `<resource>.<verb>` exactly as §18 names it. */
	action: string;
	/** Path parameter holding the resource id; `null` for none. Default: the first path parameter, else the created entity's id. */
	resource?: string | null;
}

/** A route that also takes `multipart/form-data` (§0.1: only the document upload). */
export interface MultipartSpec {
	/** Form field carrying the file. */
	file: string;
	maxFileBytes: number;
	/** Text fields the form may carry (documented in OpenAPI). */
	fields: string[];
	/** Fields required when the body is JSON instead (the validator checks them across the body). */
	jsonRequired?: string[];
}

export interface OpenApiSpec {
	summary: string;
	/** Success status; default 200. 204 sends no body. */
	status?: 200 | 201 | 202 | 204;
	/** Name of a schema in the document's components, `"List:<Name>"` for the list envelope, or an inline schema. */
	response?: string | Record<string, unknown>;
	/** Names of the path/query parameters read from the query string (the rest of `params` is the JSON body). */
	query?: string[];
	/**
	 * Rate limit of a credential-free route: `"login"` counts per IP and per e-mail, `"ip"` per IP only (§0.11);
	 * `"publication"` the publication's own limit per IP, the `:slug` naming an existing, enabled publication (§28).
	 */
	rateLimit?: "login" | "ip" | "publication";
	/** The route also accepts this multipart form instead of a JSON body. */
	multipart?: MultipartSpec;
	/** Response media type when it is not JSON. */
	produces?: string;
}
