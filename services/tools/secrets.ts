import { maskSecrets } from "../secrets/mask";
import { hasReference } from "../secrets/references";

/** Resolves the secret references of one string at call time: `{value, masks}` (masks = every resolved secret value). */
export type SecretResolver = (value: string) => Promise<{ value: string; masks: string[] }>;

/** Resolves references for one call and remembers every resolved value, so that all recorded data can be masked. */
export class SecretScope {
	readonly masks = new Set<string>();

	constructor(private readonly resolver: SecretResolver) {}

	async resolve(value: string): Promise<string> {
		if (!hasReference(value)) return value;
		const resolved = await this.resolver(value);
		for (const m of resolved.masks ?? []) if (typeof m === "string" && m.length > 0) this.masks.add(m);
		return resolved.value;
	}

	mask<T>(data: T): T {
		return maskSecrets(data, [...this.masks]) as T;
	}
}
