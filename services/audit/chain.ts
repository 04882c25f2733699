import { canonicalJson } from "../../lib/canonical-json";
import { sha256Hex } from "../../lib/crypto";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditEntry {
	id: string;
	org_id: string;
	actor_type: "user" | "api_key" | "system" | "public" | "anonymous";
	actor_id: string | null;
	actor_name: string | null;
	action: string;
	resource_type: string;
	resource_id: string | null;
	outcome: "success" | "failure" | "denied";
	status_code: number | null;
	details: Record<string, unknown>;
	ip: string | null;
	user_agent: string | null;
	request_id: string | null;
	prev_hash: string;
	hash: string;
	created_at: string;
	updated_at: string;
}

/** Stored form: the entry plus its position in the org's chain. */
export type StoredEntry = AuditEntry & { seq: number };

export function presentEntry(doc: StoredEntry): AuditEntry {
	const { seq: _seq, ...entry } = doc;
	return entry;
}

/** `sha256_hex(prev_hash + canonical_json(entry without hash))` (§18). */
export function entryHash(entry: Omit<AuditEntry, "hash"> & { hash?: string }): string {
	const { hash: _hash, ...rest } = entry;
	return sha256Hex(rest.prev_hash + canonicalJson(rest));
}

export interface ChainCheck {
	valid: boolean;
	entries_checked: number;
	first_invalid_id: string | null;
}

/** Recomputes every hash and link of entries given in chain order. */
export function verifyChain(entries: AuditEntry[]): ChainCheck {
	let previous: AuditEntry | null = null;
	for (const entry of entries) {
		const linked = previous ? entry.prev_hash === previous.hash : true;
		if (!linked || entryHash(entry) !== entry.hash) return { valid: false, entries_checked: entries.length, first_invalid_id: entry.id };
		previous = entry;
	}
	return { valid: true, entries_checked: entries.length, first_invalid_id: null };
}

export const CSV_COLUMNS = ["id", "created_at", "actor_type", "actor_id", "action", "resource_type", "resource_id", "outcome", "status_code", "ip", "request_id"] as const;

function csvCell(value: unknown): string {
	if (value === null || value === undefined) return "";
	const s = String(value);
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(entries: AuditEntry[]): string {
	const rows = entries.map(e => CSV_COLUMNS.map(c => csvCell(e[c])).join(","));
	return [CSV_COLUMNS.join(","), ...rows].join("\r\n") + "\r\n";
}
