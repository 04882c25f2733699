/** Workflow templates (§0.14, §21): `{{input}}` and `{{steps.<step_id>.output}}`, spaces inside the braces optional. */

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const STEP_REFERENCE = /^steps\.([^.]+)/;

export interface TemplateContext {
	input: string;
	steps: Record<string, { output: string }>;
}

/** Step ids a template names through `steps.<id>…` placeholders, each once, in order of appearance. */
export function referencedSteps(template: string): string[] {
	const ids: string[] = [];
	for (const match of template.matchAll(PLACEHOLDER)) {
		const ref = STEP_REFERENCE.exec(match[1]);
		if (ref && !ids.includes(ref[1])) ids.push(ref[1]);
	}
	return ids;
}

/** Walks a dotted path; a string met on the way is read as JSON when the path goes deeper (agents often answer JSON). */
function resolve(root: unknown, path: string[]): unknown {
	let value: unknown = root;
	for (const key of path) {
		if (typeof value === "string") {
			try {
				value = JSON.parse(value);
			} catch {
				return undefined;
			}
		}
		if (value === null || typeof value !== "object" || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/** Renders every placeholder: a missing path is "", a non-string value its compact JSON. */
export function render(template: string, context: TemplateContext): string {
	return template.replace(PLACEHOLDER, (_whole, path: string) => {
		const value = resolve(context, path.split("."));
		if (value === undefined) return "";
		return typeof value === "string" ? value : JSON.stringify(value);
	});
}
