/** Store filters built from list query parameters (§0.10). */
import type { Filter } from "./store";
import { toIso } from "./time";

export const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Exact-match filters for the parameters that were given. */
export function exactFilters(params: Record<string, unknown>, keys: readonly string[]): Filter {
	const filter: Filter = {};
	for (const key of keys) if (params[key] !== undefined) filter[key] = params[key];
	return filter;
}

/** A time range: `from` inclusive, `to` exclusive; undefined when neither bound is given. */
export function timeRange(from?: string | null, to?: string | null): Filter | undefined {
	if (!from && !to) return undefined;
	const range: Filter = {};
	if (from) range.$gte = toIso(from);
	if (to) range.$lt = toIso(to);
	return range;
}
