import type { FieldProblem } from "../../lib/errors";
import { ANTHROPIC_BASE } from "./adapters/anthropic";
import { GOOGLE_BASE } from "./adapters/google";
import { OPENAI_COMPATIBLE_BASES } from "./adapters/openai";
import type { ProviderKind } from "./adapters/types";
import { BUILTIN_MODELS, FAMILY_OF } from "./catalogue";

export const PROVIDER_KINDS: ProviderKind[] = ["openai", "anthropic", "google", "azure_openai", "groq", "together", "ollama", "vllm", "openai_compatible"];
const KEYLESS = new Set<ProviderKind>(["ollama", "vllm", "openai_compatible"]);
const NEEDS_BASE_URL = new Set<ProviderKind>(["azure_openai", "ollama", "vllm", "openai_compatible"]);
const NEEDS_MODELS = KEYLESS;

export interface ProviderConfigDoc {
	id: string;
	org_id: string;
	name: string;
	provider: ProviderKind;
	/** The api_key as written (a literal or a `{{secrets.NAME}}` reference), encrypted; null when none. */
	api_key_enc: string | null;
	base_url: string | null;
	api_version: string | null;
	headers: Record<string, string>;
	models: string[];
	is_default: boolean;
	enabled: boolean;
	status: "unknown" | "ok" | "error";
	last_checked_at: string | null;
	last_error: string | null;
	created_at: string;
	updated_at: string;
}

export function vendorBaseUrl(kind: ProviderKind): string | null {
	if (kind === "anthropic") return ANTHROPIC_BASE;
	if (kind === "google") return GOOGLE_BASE;
	return OPENAI_COMPATIBLE_BASES[kind] ?? null;
}

export function presentProvider(doc: ProviderConfigDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		provider: doc.provider,
		has_api_key: !!doc.api_key_enc,
		base_url: doc.base_url ?? vendorBaseUrl(doc.provider),
		api_version: doc.api_version ?? null,
		headers: doc.headers ?? {},
		models: doc.models ?? [],
		is_default: !!doc.is_default,
		enabled: doc.enabled !== false,
		status: doc.status ?? "unknown",
		last_checked_at: doc.last_checked_at ?? null,
		last_error: doc.last_error ?? null,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

/** Does this provider serve `model`? Its `models`, or when empty the catalogue's models of its kind. */
export function servesModel(doc: Pick<ProviderConfigDoc, "provider" | "models">, model: string): boolean {
	if (doc.models?.length) return doc.models.includes(model);
	const family = FAMILY_OF[doc.provider];
	return !!family && BUILTIN_MODELS.some(m => m.id === model && m.provider === family);
}

/** The models this provider serves, in order. */
export function servedModels(doc: Pick<ProviderConfigDoc, "provider" | "models">): string[] {
	if (doc.models?.length) return doc.models;
	const family = FAMILY_OF[doc.provider];
	return family ? BUILTIN_MODELS.filter(m => m.provider === family).map(m => m.id) : [];
}

/** Resolution order (§27): the default first, then the oldest. */
export function resolutionOrder<T extends Pick<ProviderConfigDoc, "is_default" | "created_at" | "id">>(docs: T[]): T[] {
	return [...docs].sort((a, b) => Number(!!b.is_default) - Number(!!a.is_default) || a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

export interface ProviderShape {
	provider: ProviderKind;
	has_api_key: boolean;
	base_url: string | null;
	api_version: string | null;
	models: string[];
}

/** Rules between fields that depend on the provider kind (§27). */
export function shapeProblems(s: ProviderShape): FieldProblem[] {
	const problems: FieldProblem[] = [];
	if (!KEYLESS.has(s.provider) && !s.has_api_key) problems.push({ field: "api_key", message: `is required for provider ${s.provider}` });
	if (NEEDS_BASE_URL.has(s.provider) && !s.base_url) problems.push({ field: "base_url", message: `is required for provider ${s.provider}` });
	if (s.provider !== "azure_openai" && s.api_version != null) problems.push({ field: "api_version", message: "applies to azure_openai only: leave it null" });
	if (NEEDS_MODELS.has(s.provider) && !s.models.length) problems.push({ field: "models", message: `must list at least one model for provider ${s.provider}` });
	return problems;
}

/** Create-time kind rules over a request body (a kind outside the enum is the enum's problem). */
export function createShapeProblems(body: Record<string, any>): FieldProblem[] {
	if (!PROVIDER_KINDS.includes(body.provider)) return [];
	// A value of the wrong type is its own rule's problem: only absence counts here.
	const models = Array.isArray(body.models) ? body.models : body.models == null ? [] : ["(invalid)"];
	return shapeProblems({ provider: body.provider, has_api_key: body.api_key != null, base_url: body.base_url ?? null, api_version: body.api_version ?? null, models });
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

/** base_url: an http(s) URL, unless it holds a secret reference (resolved only at call time). */
export const baseUrlRule = (extra: Record<string, unknown> = {}) => ({
	type: "string",
	min: 1,
	max: 2048,
	...extra,
	custom: (value: unknown, errors: any[]) => {
		if (typeof value !== "string" || value.includes("{{")) return value;
		let ok = false;
		try {
			const url = new URL(value);
			ok = url.protocol === "http:" || url.protocol === "https:";
		} catch {
			ok = false;
		}
		if (!ok) errors.push({ type: "url" });
		return value;
	}
});

export const headersRule = (extra: Record<string, unknown> = {}) => ({
	type: "record",
	key: { type: "string", pattern: HEADER_NAME.source },
	value: { type: "string", max: 8192 },
	...extra
});

export const MODELS_RULE = { type: "array", items: { type: "string", min: 1, max: 200 }, max: 500 };

export const PROVIDER_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: "string" },
		name: { type: "string" },
		provider: { enum: PROVIDER_KINDS },
		has_api_key: { type: "boolean" },
		base_url: { type: ["string", "null"] },
		api_version: { type: ["string", "null"] },
		headers: { type: "object", additionalProperties: { type: "string" } },
		models: { type: "array", items: { type: "string" } },
		is_default: { type: "boolean" },
		enabled: { type: "boolean" },
		status: { enum: ["unknown", "ok", "error"] },
		last_checked_at: { type: ["string", "null"], format: "date-time" },
		last_error: { type: ["string", "null"] },
		created_at: { type: "string", format: "date-time" },
		updated_at: { type: "string", format: "date-time" }
	}
};

export const MODEL_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		provider: { type: "string" },
		type: { enum: ["chat", "embedding"] },
		context_window: { type: "integer" },
		input_price_per_1k_usd: { type: "number" },
		output_price_per_1k_usd: { type: "number" },
		supports_tools: { type: "boolean" },
		supports_streaming: { type: "boolean" },
		is_mock: { type: "boolean" },
		price_source: { enum: ["builtin", "org_override", "declared"] },
		available: { type: "boolean" },
		provider_ids: { type: "array", items: { type: "string" } }
	}
};

export const TEST_RESULT_SCHEMA = {
	type: "object",
	properties: {
		ok: { type: "boolean" },
		model: { type: ["string", "null"] },
		latency_ms: { type: "integer" },
		error: { anyOf: [{ type: "null" }, { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } }] }
	}
};
