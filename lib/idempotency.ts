import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json";
import * as errors from "./errors";
import { newId } from "./ids";
import { UniqueViolation, type Doc, type IndexSpec, type Repository } from "./store";
import { nowIso } from "./time";

/** Collection indexes of a service's idempotency records. */
export const IDEMPOTENCY_INDEXES: IndexSpec[] = [{ fields: ["org_id", "key"], unique: true }];
const TTL_MS = 24 * 3600 * 1000;

interface IdempotentCtx {
	params: unknown;
	meta: { principal: { org_id: string }; idempotencyKey?: string; $statusCode?: number; $responseHeaders?: Record<string, string> };
}

/** §0.12: a repeat with the same key and body gets the original status and body; same key, other body → 409. */
export async function withIdempotency(repo: Repository<Doc>, ctx: IdempotentCtx, work: () => Promise<unknown>): Promise<unknown> {
	const key = ctx.meta.idempotencyKey;
	if (key === undefined) return work();
	if (!/^[\x20-\x7e]{1,255}$/.test(key)) throw errors.validation([{ field: "Idempotency-Key", message: "must be 1–255 printable ASCII characters" }]);
	const scope = repo.forOrg(ctx.meta.principal.org_id);
	const hash = createHash("sha256").update(canonicalJson(ctx.params ?? {})).digest("hex");
	const previous = await scope.findOne({ key, expires_at: { $gt: nowIso() } });
	if (previous) {
		if (previous.body_hash !== hash) throw errors.conflict("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different body: use a new key");
		ctx.meta.$statusCode = previous.status;
		ctx.meta.$responseHeaders = { "Idempotent-Replayed": "true" };
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
