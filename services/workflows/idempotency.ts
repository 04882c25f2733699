import { createHash } from "node:crypto";
import { canonicalJson } from "../../lib/canonical-json";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import { UniqueViolation, type Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";

export interface IdempotencyDoc {
	id: string;
	org_id: string;
	key: string;
	body_hash: string;
	status: number;
	response: unknown;
	expires_at: string;
	created_at: string;
	updated_at: string;
}

const TTL_MS = 24 * 3600 * 1000;
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

interface Meta {
	idempotencyKey?: string;
	$statusCode?: number;
	$responseHeaders?: Record<string, string>;
}

/**
 * §0.12: a repeat with the same key and body answers the original status and body (plus
 * `Idempotent-Replayed: true`); the same key with another body → 409 IDEMPOTENCY_KEY_REUSED.
 * `work` answers only once its result is durable, so the stored answer is too.
 */
export async function withIdempotency<T>(repo: Repository<IdempotencyDoc>, orgId: string, meta: Meta, body: unknown, work: () => Promise<T>): Promise<T> {
	const key = meta.idempotencyKey;
	if (key === undefined) return work();
	if (!KEY_PATTERN.test(key)) throw errors.validation([{ field: "Idempotency-Key", message: "must be 1–255 printable ASCII characters" }]);
	const scope = repo.forOrg(orgId);
	const hash = createHash("sha256").update(canonicalJson(body ?? {})).digest("hex");
	const previous = await scope.findOne({ key, expires_at: { $gt: nowIso() } });
	if (previous) {
		if (previous.body_hash !== hash) throw errors.conflict("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different body: use a new key");
		meta.$statusCode = previous.status;
		meta.$responseHeaders = { ...(meta.$responseHeaders ?? {}), "Idempotent-Replayed": "true" };
		return previous.response as T;
	}
	await scope.deleteMany({ key });
	const response = await work();
	try {
		await scope.insert({ id: newId("idk"), key, body_hash: hash, status: meta.$statusCode ?? 200, response, expires_at: new Date(Date.now() + TTL_MS).toISOString() });
	} catch (err) {
		if (!(err instanceof UniqueViolation)) throw err;
	}
	return response;
}
