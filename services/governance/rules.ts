import type { FieldProblem } from "../../lib/errors";
import { escapeRegex } from "../../lib/filters";

export const RULE_TYPES = ["token_limit", "tool_restriction", "approval_gate", "content_filter", "escalation"] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const SAFETY_LEVELS = ["safe", "moderate", "dangerous"];
export const CONDITION_KINDS = ["run_failed", "cost_above", "tokens_above", "pattern", "tool_called"] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export const MAX_RULES = 50;
export const MAX_ASSIGNEES = 20;
const MAX_LIST = 200;
const MAX_PATTERN = 1000;
const TOOL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface TokenLimitRule {
	type: "token_limit";
	max_tokens_per_run: number;
}
export interface ToolRestrictionRule {
	type: "tool_restriction";
	blocked_tools: string[];
}
export interface ApprovalGateRule {
	type: "approval_gate";
	requires_approval_for: string[];
	approval_timeout_seconds: number;
	assignee_user_ids: string[];
}
export interface ContentFilterRule {
	type: "content_filter";
	block_patterns: string[];
	pattern_type: "literal" | "regex";
	action: "block" | "redact";
	applies_to: ("input" | "output")[];
}
export type Condition =
	| { on: "run_failed" }
	| { on: "cost_above"; threshold_usd: number }
	| { on: "tokens_above"; threshold: number }
	| { on: "pattern"; pattern: string }
	| { on: "tool_called"; tool: string };
export interface EscalationRule {
	type: "escalation";
	conditions: Condition[];
	pause_run: boolean;
	timeout_minutes: number;
	assignee_user_ids: string[];
}
export type Rule = TokenLimitRule | ToolRestrictionRule | ApprovalGateRule | ContentFilterRule | EscalationRule;

type Check = (value: unknown, field: string, rule: Record<string, any>) => string | null;

interface FieldSpec {
	required?: boolean;
	check: Check;
	default?: () => unknown;
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);

const intIn = (min: number, max = Number.MAX_SAFE_INTEGER): Check => v => {
	if (!isInt(v)) return "must be an integer";
	if ((v as number) < min) return `must be at least ${min}`;
	if ((v as number) > max) return `must be at most ${max}`;
	return null;
};

const numberAtLeast = (min: number): Check => v => {
	if (typeof v !== "number" || !Number.isFinite(v)) return "must be a number";
	return v < min ? `must be at least ${min}` : null;
};

const bool: Check = v => (typeof v === "boolean" ? null : "must be a boolean");
const oneOf = (values: string[]): Check => v => (typeof v === "string" && values.includes(v) ? null : `must be one of: ${values.join(", ")}`);

/** An array of strings: `items` checks each entry and returns its problem. */
function list(min: number, max: number, item: (s: string) => string | null): (v: unknown, field: string, problems: FieldProblem[]) => void {
	return (v, field, problems) => {
		if (!Array.isArray(v)) return void problems.push({ field, message: "must be an array" });
		if (v.length < min) return void problems.push({ field, message: `must contain at least ${min} items` });
		if (v.length > max) return void problems.push({ field, message: `must contain at most ${max} items` });
		v.forEach((entry, i) => {
			const message = typeof entry === "string" ? item(entry) : "must be a string";
			if (message) problems.push({ field: `${field}[${i}]`, message });
		});
	};
}

const toolName = (s: string) => (TOOL_NAME.test(s) ? null : `must match ${TOOL_NAME.source}`);
const userId = (s: string) => (ID.test(s) ? null : `must match ${ID.source}`);
const patternText = (s: string) => (s.length === 0 ? "must not be empty" : s.length > MAX_PATTERN ? `must be at most ${MAX_PATTERN} characters long` : null);

/** The problem of a regular expression, null when ECMAScript compiles it. */
export function regexProblem(source: string): string | null {
	try {
		new RegExp(source, "gi");
		return null;
	} catch (err) {
		return `is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "")}`;
	}
}

/** A list-valued field, checked into `problems` directly (its entries have their own paths). */
const listField = (min: number, max: number, item: (s: string) => string | null, extra?: (v: string[], field: string, rule: Record<string, any>) => FieldProblem[]) => {
	const check = list(min, max, item);
	return (v: unknown, field: string, rule: Record<string, any>, problems: FieldProblem[]) => {
		const before = problems.length;
		check(v, field, problems);
		if (problems.length === before && extra) problems.push(...extra(v as string[], field, rule));
	};
};

type ListCheck = ReturnType<typeof listField>;

interface TypeSpec {
	scalars: Record<string, FieldSpec>;
	lists: Record<string, { required?: boolean; check: ListCheck; default?: () => unknown }>;
}

const regexEntries = (patterns: string[], field: string, rule: Record<string, any>): FieldProblem[] => {
	if (rule.pattern_type !== "regex") return [];
	return patterns.flatMap((p, i) => {
		const message = regexProblem(p);
		return message ? [{ field: `${field}[${i}]`, message }] : [];
	});
};

const SPECS: Record<RuleType, TypeSpec> = {
	token_limit: {
		scalars: { max_tokens_per_run: { required: true, check: intIn(1) } },
		lists: {}
	},
	tool_restriction: {
		scalars: {},
		lists: { blocked_tools: { required: true, check: listField(1, MAX_LIST, toolName) } }
	},
	approval_gate: {
		scalars: { approval_timeout_seconds: { check: intIn(60, 604_800), default: () => 86_400 } },
		lists: {
			requires_approval_for: { required: true, check: listField(1, MAX_LIST, s => (SAFETY_LEVELS.includes(s) ? null : toolName(s))) },
			assignee_user_ids: { check: listField(0, MAX_ASSIGNEES, userId), default: () => [] }
		}
	},
	content_filter: {
		scalars: {
			pattern_type: { check: oneOf(["literal", "regex"]), default: () => "literal" },
			action: { check: oneOf(["block", "redact"]), default: () => "block" }
		},
		lists: {
			block_patterns: { required: true, check: listField(1, MAX_LIST, patternText, regexEntries) },
			applies_to: { check: listField(1, 2, s => (s === "input" || s === "output" ? null : "must be one of: input, output")), default: () => ["input", "output"] }
		}
	},
	escalation: {
		scalars: {
			pause_run: { check: bool, default: () => false },
			timeout_minutes: { check: intIn(1, 10_080), default: () => 60 }
		},
		lists: {
			conditions: { required: true, check: (v, field, _rule, problems) => checkConditions(v, field, problems) },
			assignee_user_ids: { check: listField(0, MAX_ASSIGNEES, userId), default: () => [] }
		}
	}
};

const CONDITION_FIELDS: Record<ConditionKind, Record<string, Check>> = {
	run_failed: {},
	cost_above: { threshold_usd: numberAtLeast(0) },
	tokens_above: { threshold: intIn(0) },
	pattern: { pattern: v => (typeof v === "string" ? patternText(v) : "must be a string") },
	tool_called: { tool: v => (typeof v === "string" ? toolName(v) : "must be a string") }
};

function checkConditions(v: unknown, field: string, problems: FieldProblem[]): void {
	if (!Array.isArray(v)) return void problems.push({ field, message: "must be an array" });
	if (v.length < 1) return void problems.push({ field, message: "must contain at least 1 items" });
	if (v.length > MAX_LIST) return void problems.push({ field, message: `must contain at most ${MAX_LIST} items` });
	v.forEach((cond, i) => {
		const at = `${field}[${i}]`;
		if (!isObject(cond)) return void problems.push({ field: at, message: "must be an object" });
		if (cond.on === undefined) return void problems.push({ field: `${at}.on`, message: "is required" });
		if (!(CONDITION_KINDS as readonly string[]).includes(cond.on)) {
			return void problems.push({ field: `${at}.on`, message: `must be one of: ${CONDITION_KINDS.join(", ")}` });
		}
		const fields = CONDITION_FIELDS[cond.on as ConditionKind];
		for (const key of Object.keys(cond)) {
			if (key !== "on" && !(key in fields)) problems.push({ field: `${at}.${key}`, message: `is not allowed for the condition ${cond.on}` });
		}
		for (const [key, check] of Object.entries(fields)) {
			if (cond[key] === undefined) problems.push({ field: `${at}.${key}`, message: "is required" });
			else {
				const message = check(cond[key], `${at}.${key}`, cond);
				if (message) problems.push({ field: `${at}.${key}`, message });
			}
		}
	});
}

/**
 * Checks a policy's `rules` (1–50 rules, each with exactly the fields of its type) and returns them
 * with defaults filled in. Every problem is reported with its path (`rules[1].max_tokens_per_run`).
 */
export function checkRules(value: unknown, field = "rules"): { rules: Rule[]; problems: FieldProblem[] } {
	const problems: FieldProblem[] = [];
	if (!Array.isArray(value)) return { rules: [], problems: [{ field, message: value === null ? "must not be null" : "must be an array" }] };
	if (value.length < 1) return { rules: [], problems: [{ field, message: "must contain at least 1 items" }] };
	if (value.length > MAX_RULES) return { rules: [], problems: [{ field, message: `must contain at most ${MAX_RULES} items` }] };
	const rules = value.map((raw, i) => checkRule(raw, `${field}[${i}]`, problems));
	return { rules: rules as Rule[], problems };
}

function checkRule(raw: unknown, at: string, problems: FieldProblem[]): Rule | null {
	if (!isObject(raw)) {
		problems.push({ field: at, message: "must be an object" });
		return null;
	}
	if (raw.type === undefined) {
		problems.push({ field: `${at}.type`, message: "is required" });
		return null;
	}
	if (!(RULE_TYPES as readonly string[]).includes(raw.type)) {
		problems.push({ field: `${at}.type`, message: `must be one of: ${RULE_TYPES.join(", ")}` });
		return null;
	}
	const type = raw.type as RuleType;
	const spec = SPECS[type];
	const out: Record<string, any> = { type };
	for (const key of Object.keys(raw)) {
		if (key !== "type" && !(key in spec.scalars) && !(key in spec.lists)) problems.push({ field: `${at}.${key}`, message: `is not allowed for the rule type ${type}` });
	}
	// Scalars first: list checks may depend on them (block_patterns on pattern_type).
	const withDefaults: Record<string, any> = { ...raw };
	for (const [key, fieldSpec] of Object.entries(spec.scalars)) {
		const value = raw[key];
		if (value === undefined) {
			if (fieldSpec.required) problems.push({ field: `${at}.${key}`, message: "is required" });
			else out[key] = withDefaults[key] = fieldSpec.default?.();
			continue;
		}
		const message = value === null ? "must not be null" : fieldSpec.check(value, `${at}.${key}`, raw);
		if (message) problems.push({ field: `${at}.${key}`, message });
		out[key] = value;
	}
	for (const [key, fieldSpec] of Object.entries(spec.lists)) {
		const value = raw[key];
		if (value === undefined) {
			if (fieldSpec.required) problems.push({ field: `${at}.${key}`, message: "is required" });
			else out[key] = fieldSpec.default?.();
			continue;
		}
		if (value === null) {
			problems.push({ field: `${at}.${key}`, message: "must not be null" });
			continue;
		}
		fieldSpec.check(value, `${at}.${key}`, withDefaults, problems);
		out[key] = key === "conditions" ? (value as any[]).map(c => (isObject(c) ? { ...c } : c)) : dedupe(value as string[]);
	}
	return out as Rule;
}

const dedupe = (values: string[]) => [...new Set(values)];

/**
 * fastest-validator `custom` checker for `rules`: reports the per-rule problems and hands the handler
 * normalized rules. The array itself and its entries being objects are the rule's own checks.
 */
export function rulesChecker(value: unknown, errors: any[], _schema: unknown, path: string) {
	const field = path || "rules";
	const { rules, problems } = checkRules(value, field);
	const structural = new RegExp(`^${escapeRegex(field)}(\\[\\d+\\])?$`);
	for (const p of problems) if (!structural.test(p.field)) errors.push({ type: "rule", field: p.field, message: p.message });
	return problems.length ? value : rules;
}
