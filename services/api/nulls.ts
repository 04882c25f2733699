import type { FieldProblem } from "../../lib/errors";

/**
 * `null` sent for a field whose rule is not `nullable` (§0.6: "null on a non-nullable field → 400").
 * fastest-validator lets `null` through every `optional` rule, so the gateway checks it before the call.
 */
export function nullProblems(body: unknown, rules: Record<string, any> | undefined, prefix = ""): FieldProblem[] {
	if (!rules || body === null || typeof body !== "object" || Array.isArray(body)) return [];
	const problems: FieldProblem[] = [];
	for (const [name, rule] of Object.entries(rules)) {
		if (name.startsWith("$$") || !(name in (body as object))) continue;
		problems.push(...valueProblems((body as Record<string, unknown>)[name], rule, prefix ? `${prefix}.${name}` : name));
	}
	return problems;
}

function valueProblems(value: unknown, rule: any, field: string): FieldProblem[] {
	if (value === null) return acceptsNull(rule) ? [] : [{ field, message: "must not be null" }];
	if (!rule || typeof rule !== "object" || Array.isArray(rule)) return [];
	if (rule.type === "object" && rule.props) return nullProblems(value, rule.props, field);
	if (rule.type === "array" && rule.items && Array.isArray(value)) return value.flatMap((item, i) => valueProblems(item, rule.items, `${field}[${i}]`));
	return [];
}

function acceptsNull(rule: any): boolean {
	if (Array.isArray(rule)) return rule.some(acceptsNull);
	if (typeof rule === "string") return rule.split("|")[0] === "any";
	if (!rule || typeof rule !== "object") return true;
	if (rule.type === "multi") return (rule.rules ?? []).some(acceptsNull);
	return rule.nullable === true || rule.type === "any" || rule.type === "forbidden";
}
