/** `{{secrets.NAME}}` or `{{ secrets.NAME }}` (§0.14). */
const REFERENCE = /\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]{0,127})\s*\}\}/g;

/** Every secret name referenced by a string anywhere inside `value`. */
export function referencedNames(value: unknown): Set<string> {
	const names = new Set<string>();
	const walk = (v: unknown): void => {
		if (typeof v === "string") {
			for (const m of v.matchAll(REFERENCE)) names.add(m[1]);
		} else if (Array.isArray(v)) {
			v.forEach(walk);
		} else if (v !== null && typeof v === "object") {
			Object.values(v).forEach(walk);
		}
	};
	walk(value);
	return names;
}

/** A copy of `value` with every reference inside strings replaced by `lookup(name)`. */
export function replaceReferences(value: unknown, lookup: (name: string) => string): unknown {
	if (typeof value === "string") return value.replace(REFERENCE, (_m, name: string) => lookup(name));
	if (Array.isArray(value)) return value.map(v => replaceReferences(v, lookup));
	if (value !== null && typeof value === "object") {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) out[k] = replaceReferences(v, lookup);
		return out;
	}
	return value;
}

export const hasReference = (value: string): boolean => new RegExp(REFERENCE.source).test(value);
