export const MASK = "****";

/** A deep copy of `data` in which every occurrence of each mask string inside strings (values and keys) reads `****`. */
export function maskSecrets(data: unknown, masks: string[]): unknown {
	const list = [...new Set(masks.filter(m => typeof m === "string" && m.length > 0))].sort((a, b) => b.length - a.length);
	if (!list.length) return data;
	const maskString = (s: string) => {
		let out = s;
		for (const m of list) if (out.includes(m)) out = out.split(m).join(MASK);
		return out;
	};
	const walk = (value: unknown): unknown => {
		if (typeof value === "string") return maskString(value);
		if (Array.isArray(value)) return value.map(walk);
		if (value !== null && typeof value === "object") {
			const out: Record<string, unknown> = {};
			for (const [k, v] of Object.entries(value)) out[maskString(k)] = walk(v);
			return out;
		}
		return value;
	};
	return walk(data);
}
