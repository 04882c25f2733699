/** Input templates of agent subscriptions (§0.14): `{{event.<payload path>}}` reads the event's payload. */

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

function lookup(root: unknown, path: string[]): unknown {
	let value = root;
	for (const key of path) {
		if (value === null || typeof value !== "object") return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/**
 * Renders `template` for an event: `{{event.title}}` is `payload.title`; a missing path renders as an
 * empty string and a non-string value as its compact JSON (`{{event}}` is the whole payload). Other
 * placeholders render empty.
 */
export function renderTemplate(template: string, payload: Record<string, unknown>): string {
	return template.replace(PLACEHOLDER, (_match, path: string) => {
		const [head, ...rest] = path.split(".");
		if (head !== "event") return "";
		const value = rest.length ? lookup(payload, rest) : payload;
		if (value === undefined || value === null) return value === null ? "null" : "";
		return typeof value === "string" ? value : JSON.stringify(value);
	});
}
