import { SLUG } from "../../lib/validation";

export interface OrgLimits {
	max_concurrent_runs: number;
	max_agents: number | null;
	rate_limit_per_minute: number | null;
}

export interface OrgDoc {
	id: string;
	name: string;
	slug: string;
	status: "active" | "suspended";
	limits: OrgLimits;
	created_at: string;
	updated_at: string;
}

export const DEFAULT_LIMITS: OrgLimits = { max_concurrent_runs: 20, max_agents: null, rate_limit_per_minute: null };

export const LIMITS_RULE = {
	type: "object",
	optional: true,
	props: {
		max_concurrent_runs: { type: "number", integer: true, min: 1, max: 10000, optional: true },
		max_agents: { type: "number", integer: true, min: 0, optional: true, nullable: true },
		rate_limit_per_minute: { type: "number", integer: true, min: 1, max: 100000, optional: true, nullable: true }
	}
};

/** Slug from a display name (§25): lower-case, non-alphanumerics → `-`, trimmed to the slug pattern. */
export function slugFrom(name: string): string {
	let slug = name
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.slice(0, 56);
	if (!new RegExp(SLUG).test(slug)) slug = slug.length === 1 ? `${slug}-org` : "org";
	return slug;
}

/** First free slug among `base`, `base-2`, `base-3`, … */
export async function freeSlug(base: string, taken: (slug: string) => Promise<boolean>): Promise<string> {
	if (!(await taken(base))) return base;
	for (let n = 2; ; n++) {
		const candidate = `${base}-${n}`;
		if (!(await taken(candidate))) return candidate;
	}
}

/**
 * Limits as sent, defaults for the omitted ones: an object is replaced as a whole, never merged (§0.6).
 * Unknown fields in `limits` are ignored like any unknown body field (§0.5).
 */
export function limitsFrom(input: Partial<OrgLimits> | undefined): OrgLimits {
	const out = { ...DEFAULT_LIMITS };
	for (const key of Object.keys(DEFAULT_LIMITS) as (keyof OrgLimits)[]) {
		if (input?.[key] !== undefined) (out as any)[key] = input[key];
	}
	return out;
}
