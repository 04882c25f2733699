/** `{{secrets.NAME}}` or `{{ secrets.NAME }}` (§0.14). */
const SECRET_REFERENCE = /\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]{0,127}\s*\}\}/;

export const hasSecretReference = (value: string): boolean => SECRET_REFERENCE.test(value);

export const MASK = "****";

/** Resolves the secret references of one string at call time: `{value, masks}` (masks = every resolved secret value). */
export type SecretResolver = (value: string) => Promise<{ value: string; masks: string[] }>;

/** Resolves references for one call and remembers every resolved value, so that all recorded data can be masked. */
export class SecretScope {
	readonly masks = new Set<string>();

	constructor(private readonly resolver: SecretResolver) {}

	async resolve(value: string): Promise<string> {
		if (!hasSecretReference(value)) return value;
		const resolved = await this.resolver(value);
		for (const m of resolved.masks ?? []) if (typeof m === "string" && m.length > 0) this.masks.add(m);
		return resolved.value;
	}

	mask<T>(data: T): T {
		return maskSecrets(data, [...this.masks]);
	}
}

/** A copy of `data` in which every occurrence of each mask inside strings (values and keys) reads `****`. */
export function maskSecrets<T>(data: T, masks: string[]): T {
	const list = [...new Set(masks.filter(m => m.length > 0))].sort((a, b) => b.length - a.length);
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
	return walk(data) as T;
}
