import { createHash } from "node:crypto";
import type { Context } from "moleculer";
import { canonicalJson } from "./canonical-json";
import * as errors from "./errors";
import { newId } from "./ids";
import type { Repository } from "./store";
import { UniqueViolation } from "./store";
import { nowIso } from "./time";

/** A remembered answer to an `Idempotency-Key` (§0.12). */
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

/** The collection's indexes: one key per org. */
export const IDEMPOTENCY_INDEXES = [{ fields: ["org_id", "key"], unique: true }, { fields: ["expires_at"] }];

const TTL_MS = 24 * 3600 * 1000;
const bodyHash = (body: unknown) => createHash("sha256").update(canonicalJson(body ?? {})).digest("hex");

type IdempotentCtx = Context<any, { principal: { org_id: string }; idempotencyKey?: string; $statusCode?: number; $responseHeaders?: Record<string, string> }>;

/**
 * §0.12: for 24 hours per org, the same key with the same body answers the original status and body
 * (with `Idempotent-Replayed: true`) without doing `work` again; the same key with another body → 409.
 */
export async function withIdempotency(repo: Repository<IdempotencyDoc>, ctx: IdempotentCtx, work: () => Promise<unknown>): Promise<unknown> {
	const key = ctx.meta.idempotencyKey;
	if (key === undefined) return work();
	if (!/^[\x20-\x7e]{1,255}$/.test(key)) throw errors.validation([{ field: "Idempotency-Key", message: "must be 1–255 printable ASCII characters" }]);
	const scope = repo.forOrg(ctx.meta.principal.org_id);
	const hash = bodyHash(ctx.params);
	const previous = await scope.findOne({ key, expires_at: { $gt: nowIso() } });
	if (previous) {
		if (previous.body_hash !== hash) throw errors.conflict("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different body: use a new key");
		ctx.meta.$statusCode = previous.status;
		ctx.meta.$responseHeaders = { ...(ctx.meta.$responseHeaders ?? {}), "Idempotent-Replayed": "true" };
		return previous.response;
	}
	await scope.deleteMany({ key });
	const response = await work();
	try {
		await scope.insert({ id: newId("idk"), key, body_hash: hash, status: ctx.meta.$statusCode ?? 200, response, expires_at: new Date(Date.now() + TTL_MS).toISOString() });
	} catch (err) {
		if (!(err instanceof UniqueViolation)) throw err;
	}
	return response;
}
