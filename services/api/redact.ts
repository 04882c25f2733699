/** Write-only request fields that audit `details` show as "[REDACTED]" (§18). */
const WRITE_ONLY = new Set([
	"password", "current_password", "new_password", "owner_password", "value", "api_key", "auth_token", "secret", "token", "refresh_token", "key"
]);

export function redactBody(body: unknown): Record<string, unknown> {
	return redact(body) as Record<string, unknown>;
}

function redact(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(redact);
	if (value === null || typeof value !== "object") return value;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) out[k] = WRITE_ONLY.has(k) ? "[REDACTED]" : redact(v);
	return out;
}
