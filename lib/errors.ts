import { Errors } from "moleculer";

export type FieldProblem = { field: string; message: string };

/**
 * A client-facing error. `code` is the HTTP status (Moleculer's convention), `type` the stable
 * contract code, `data` the `details` of the error body. Survives the transporter unchanged.
 */
export class FluxError extends Errors.MoleculerError {
	constructor(status: number, code: string, message: string, details: unknown = null) {
		super(message, status, code, details);
		this.name = "FluxError";
		this.retryable = false;
	}
}

const make = (status: number, code: string) => (message: string, details: unknown = null) =>
	new FluxError(status, code, message, details);

export const invalidJson = (reason: string) =>
	new FluxError(400, "INVALID_JSON", `The request body is not valid JSON: ${reason}`);

export function validation(details: FieldProblem[]): FluxError {
	const message = details.map(d => (d.field ? `${d.field}: ${d.message}` : d.message)).join("; ");
	return new FluxError(400, "VALIDATION_ERROR", message || "Invalid request", details);
}

export const fieldError = (field: string, message: string) => validation([{ field, message }]);

export const unauthenticated = (message = "A valid credential is required: send Authorization: Bearer <api key or access token>") =>
	new FluxError(401, "UNAUTHENTICATED", message);
export const tokenExpired = (message = "The credential has expired: sign in again or use another key") =>
	new FluxError(401, "TOKEN_EXPIRED", message);
export const invalidCredentials = () => new FluxError(401, "INVALID_CREDENTIALS", "E-mail or password is wrong");
export const invalidRefreshToken = () =>
	new FluxError(401, "INVALID_REFRESH_TOKEN", "The refresh token is unknown, used, revoked or expired: sign in again");

export const permissionDenied = (required: string[]) =>
	new FluxError(403, "PERMISSION_DENIED", `Missing permission: ${required.join(", ")}`, { required });
export const privilegeEscalation = (missing: string[]) =>
	new FluxError(403, "PRIVILEGE_ESCALATION", `You cannot grant what you do not hold yourself: ${missing.join(", ")}`, { missing });
export const orgSuspended = () => new FluxError(403, "ORG_SUSPENDED", "This organization is suspended: contact your platform administrator");
export const registrationClosed = () => new FluxError(403, "REGISTRATION_CLOSED", "Self-registration is closed on this instance: ask an administrator for an account");
export const userDisabled = () => new FluxError(403, "USER_DISABLED", "This user is disabled: ask an owner of your organization to enable it");

export const invalidPublicKey = () =>
	new FluxError(401, "INVALID_PUBLIC_KEY", "A valid publication key is required: send X-Fluxgate-Public-Key (or ?key=) with the publication's public key");
export const originNotAllowed = (origin: string) =>
	new FluxError(403, "ORIGIN_NOT_ALLOWED", `Origin ${origin} is not among the publication's allowed_origins`, { origin });
export const notFound = (what = "Resource") => new FluxError(404, "NOT_FOUND", `${what} not found`);
export const routeNotFound = (method: string, path: string) =>
	new FluxError(404, "NOT_FOUND", `No endpoint ${method} ${path}: see /openapi.json for the list of endpoints`);
export const referenceNotFound = (field: string, what: string) =>
	new FluxError(404, "NOT_FOUND", `${field}: ${what} not found`, [{ field, message: `${what} not found` }]);

export const alreadyExists = (field: string, value?: unknown) =>
	new FluxError(409, "ALREADY_EXISTS", `${field} is already taken${value != null ? `: ${String(value)}` : ""}`, { field });
export const invalidStateTransition = (current: string, requested: string) =>
	new FluxError(409, "INVALID_STATE_TRANSITION", `Cannot go from ${current} to ${requested}`, { current, requested });
export const builtinImmutable = (what: string) => new FluxError(409, "BUILTIN_IMMUTABLE", `${what} is built in and cannot be changed`);
export const resourceInUse = (message: string, details: unknown) => new FluxError(409, "RESOURCE_IN_USE", message, details);
export const lastOwner = () => new FluxError(409, "LAST_OWNER", "The organization must keep at least one active owner");
export const selfModification = (message: string) => new FluxError(409, "SELF_MODIFICATION", message);

export const payloadTooLarge = (limit: number) =>
	new FluxError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${limit} bytes`, { limit });
export const unsupportedMediaType = (got: string) =>
	new FluxError(415, "UNSUPPORTED_MEDIA_TYPE", `Send the body as application/json (got ${got || "no Content-Type"})`);
export const rateLimited = (limit: number, windowSeconds: number) =>
	new FluxError(429, "RATE_LIMITED", `Rate limit of ${limit} requests per ${windowSeconds} s exceeded: retry after the window resets`, {
		limit,
		window_seconds: windowSeconds
	});
export const internal = () => new FluxError(500, "INTERNAL_ERROR", "Unexpected server error: retry later, and report the request id if it persists");
export const serviceUnavailable = (message: string, details: unknown = null) => new FluxError(503, "SERVICE_UNAVAILABLE", message, details);
export const notReady = () => new FluxError(503, "NOT_READY", "This node is starting or stopping: retry shortly, or send the request to another node");
export const maintenanceMode = (message: string | null) =>
	new FluxError(503, "MAINTENANCE_MODE", message || "The platform is in maintenance mode: retry later");

export const conflict = (code: string, message: string, details: unknown = null) => new FluxError(409, code, message, details);
export const forbidden = (code: string, message: string, details: unknown = null) => new FluxError(403, code, message, details);
export const custom = make;
