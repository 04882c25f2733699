/** `{{ name }}` placeholders of prompt templates (§23); spaces inside the braces are optional (§0.14). */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Placeholder names in order of first appearance. */
export function placeholderNames(template: string): string[] {
	const names: string[] = [];
	for (const match of template.matchAll(PLACEHOLDER)) if (!names.includes(match[1])) names.push(match[1]);
	return names;
}

interface Variable {
	name: string;
	required: boolean;
	default: unknown;
}

export type RenderResult = { rendered: string; missing: [] } | { rendered: null; missing: string[] };

const asText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * Each placeholder becomes the given value, else the variable's default, else `""` for an optional
 * variable; required variables with neither are reported. Extra values are ignored.
 */
export function renderTemplate(template: string, variables: Variable[], values: Record<string, unknown>): RenderResult {
	const resolved = new Map<string, string>();
	const missing: string[] = [];
	for (const v of variables) {
		if (values[v.name] !== undefined) resolved.set(v.name, asText(values[v.name]));
		else if (v.default != null) resolved.set(v.name, asText(v.default));
		else if (v.required) missing.push(v.name);
		else resolved.set(v.name, "");
	}
	if (missing.length) return { rendered: null, missing };
	return { rendered: template.replace(PLACEHOLDER, (_all, name: string) => resolved.get(name) ?? ""), missing: [] };
}
