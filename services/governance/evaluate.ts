/**
 * Pure policy evaluation shared by `POST /governance/evaluate` and the runtime's `governance.check`.
 * Several policies combine (§12): the lowest token limit wins, blocked tools and approval triggers are
 * united, every content filter applies, and `block` beats `redact`.
 */
import { escapeRegex } from "../../lib/filters";
import { BUILTIN_APPROVAL_SECONDS, type ActionTaken } from "./model";
import type { ApprovalGateRule, ContentFilterRule, Rule, RuleType } from "./rules";

export const REDACTED = "[REDACTED]";

export interface PolicyView {
	id: string;
	name: string;
	rules: Rule[];
}

/** One rule that matched. `policy_id` is null for the built-in `dangerous`-tool rule. */
export interface Finding {
	policy_id: string | null;
	policy_name: string | null;
	rule_type: RuleType | null;
	message: string;
	action: ActionTaken;
}

export type Stage = "input" | "output";

export interface ContentResult {
	/** At least one content filter covers this stage. */
	applies: boolean;
	action: "allow" | "block" | "redact";
	text: string;
	findings: Finding[];
}

export interface TokenResult {
	applies: boolean;
	action: "allow" | "block";
	limit: number | null;
	/** What the call may still produce: `limit − used − estimate`, capped by the configured max_tokens. */
	max_tokens?: number;
	findings: Finding[];
}

export interface ApprovalRequirement {
	policy_id: string | null;
	rule_type: "approval_gate" | null;
	timeout_seconds: number;
	assignee_user_ids: string[];
	reason: string;
}

export interface ToolResult {
	applies: boolean;
	action: "allow" | "deny" | "require_approval";
	findings: Finding[];
	approval: ApprovalRequirement | null;
}

export interface ToolCall {
	tool_name: string;
	safety_level?: string | null;
	mode: "production" | "test";
}

const rulesOf = <T extends Rule["type"]>(policies: PolicyView[], type: T) =>
	policies.flatMap(p => p.rules.filter((r): r is Extract<Rule, { type: T }> => r.type === type).map(rule => ({ policy: p, rule })));

const finding = (policy: PolicyView, rule_type: RuleType, action: ActionTaken, message: string): Finding => ({
	policy_id: policy.id,
	policy_name: policy.name,
	rule_type,
	message,
	action
});

// Compiled patterns are reused across checks; the cache is bounded so arbitrary patterns cannot grow it forever.
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 2000;

/** The global, case-insensitive expression of a pattern: literal = substring, regex = ECMAScript. */
export function patternRegex(pattern: string, type: "literal" | "regex"): RegExp {
	const key = `${type}:${pattern}`;
	let re = compiled.get(key);
	if (!re) {
		re = new RegExp(type === "regex" ? pattern : escapeRegex(pattern), "gi");
		if (compiled.size >= MAX_COMPILED) compiled.clear();
		compiled.set(key, re);
	}
	return re;
}

/** Non-empty match ranges of a pattern in text (an expression that only matches "" never counts). */
function matchRanges(text: string, pattern: string, type: "literal" | "regex"): [number, number][] {
	const ranges: [number, number][] = [];
	for (const m of text.matchAll(patternRegex(pattern, type))) {
		if (m[0].length) ranges.push([m.index as number, (m.index as number) + m[0].length]);
	}
	return ranges;
}

/** Replaces every range (overlaps merged) by `[REDACTED]`, working on the original text so patterns never match a marker. */
export function redactRanges(text: string, ranges: [number, number][]): string {
	if (!ranges.length) return text;
	const sorted = [...ranges].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
	const merged: [number, number][] = [];
	for (const [start, end] of sorted) {
		const last = merged[merged.length - 1];
		if (last && start < last[1]) last[1] = Math.max(last[1], end);
		else merged.push([start, end]);
	}
	let out = "";
	let at = 0;
	for (const [start, end] of merged) {
		out += text.slice(at, start) + REDACTED;
		at = end;
	}
	return out + text.slice(at);
}

/** Content filters of one stage over a text. */
export function filterContent(policies: PolicyView[], stage: Stage, text: string): ContentResult {
	const filters = rulesOf(policies, "content_filter").filter(({ rule }) => rule.applies_to.includes(stage));
	if (!filters.length) return { applies: false, action: "allow", text, findings: [] };
	const blocks: Finding[] = [];
	const redactions: Finding[] = [];
	const ranges: [number, number][] = [];
	for (const { policy, rule } of filters) {
		const matched = matchedPatterns(rule, text);
		if (!matched.length) continue;
		const what = `the ${stage} matches ${matched.length === 1 ? "the pattern" : "the patterns"} ${matched.map(m => JSON.stringify(m.pattern)).join(", ")}`;
		if (rule.action === "block") blocks.push(finding(policy, "content_filter", "blocked", `Blocked: ${what} (policy "${policy.name}")`));
		else {
			redactions.push(finding(policy, "content_filter", "redacted", `Redacted: ${what} (policy "${policy.name}")`));
			for (const m of matched) ranges.push(...m.ranges);
		}
	}
	if (blocks.length) return { applies: true, action: "block", text, findings: blocks };
	if (redactions.length) return { applies: true, action: "redact", text: redactRanges(text, ranges), findings: redactions };
	return { applies: true, action: "allow", text, findings: [] };
}

function matchedPatterns(rule: ContentFilterRule, text: string) {
	return rule.block_patterns
		.map(pattern => ({ pattern, ranges: matchRanges(text, pattern, rule.pattern_type) }))
		.filter(m => m.ranges.length > 0);
}

/** The lowest `max_tokens_per_run` of the policies and the policy that sets it. */
export function tokenLimit(policies: PolicyView[]): { limit: number; policy: PolicyView } | null {
	let best: { limit: number; policy: PolicyView } | null = null;
	for (const { policy, rule } of rulesOf(policies, "token_limit")) {
		if (!best || rule.max_tokens_per_run < best.limit) best = { limit: rule.max_tokens_per_run, policy };
	}
	return best;
}

/** Before an LLM call (§12 enforcement 2): `used + estimate ≥ limit` blocks; otherwise max_tokens is lowered. */
export function limitTokens(policies: PolicyView[], used: number, estimate: number, maxTokens?: number | null): TokenResult {
	const found = tokenLimit(policies);
	if (!found) return { applies: false, action: "allow", limit: null, findings: [] };
	const { limit, policy } = found;
	if (used + estimate >= limit) {
		const message = `Token limit reached: the run has used ${used} tokens and the next call needs about ${estimate}, the limit is ${limit} tokens per run (policy "${policy.name}")`;
		return { applies: true, action: "block", limit, findings: [finding(policy, "token_limit", "blocked", message)] };
	}
	const room = limit - used - estimate;
	return { applies: true, action: "allow", limit, max_tokens: maxTokens != null ? Math.min(maxTokens, room) : room, findings: [] };
}

/** Whether the tool stage has anything to check: a restriction or gate, or the built-in rule. */
export function toolRulesApply(policies: PolicyView[], call: ToolCall): boolean {
	return builtinApplies(call) || policies.some(p => p.rules.some(r => r.type === "tool_restriction" || r.type === "approval_gate"));
}

const builtinApplies = (call: ToolCall) => call.mode === "production" && call.safety_level === "dangerous";

/** Before a tool call (§12 enforcement 3): restriction → deny; then approval gates or the built-in `dangerous` rule. */
export function checkTool(policies: PolicyView[], call: ToolCall): ToolResult {
	const applies = toolRulesApply(policies, call);
	const denials = rulesOf(policies, "tool_restriction")
		.filter(({ rule }) => rule.blocked_tools.includes(call.tool_name))
		.map(({ policy }) => finding(policy, "tool_restriction", "denied", `Tool ${call.tool_name} is blocked by policy "${policy.name}"`));
	if (denials.length) return { applies, action: "deny", findings: denials, approval: null };
	const gates = rulesOf(policies, "approval_gate").filter(({ rule }) => gateMatches(rule, call));
	if (gates.length) {
		const findings = gates.map(({ policy, rule }) => finding(policy, "approval_gate", "approval_required", `Tool ${call.tool_name} needs an approval: ${gateReason(rule, call)} (policy "${policy.name}")`));
		const first = gates[0];
		return {
			applies,
			action: "require_approval",
			findings,
			approval: {
				policy_id: first.policy.id,
				rule_type: "approval_gate",
				timeout_seconds: Math.min(...gates.map(g => g.rule.approval_timeout_seconds)),
				assignee_user_ids: [...new Set(gates.flatMap(g => g.rule.assignee_user_ids))],
				reason: findings[0].message
			}
		};
	}
	if (builtinApplies(call)) {
		const reason = `Tool ${call.tool_name} is dangerous: production calls need an approval`;
		return {
			applies,
			action: "require_approval",
			findings: [{ policy_id: null, policy_name: null, rule_type: null, message: reason, action: "approval_required" }],
			approval: { policy_id: null, rule_type: null, timeout_seconds: BUILTIN_APPROVAL_SECONDS, assignee_user_ids: [], reason }
		};
	}
	return { applies, action: "allow", findings: [], approval: null };
}

function gateMatches(rule: ApprovalGateRule, call: ToolCall): boolean {
	return rule.requires_approval_for.some(entry => entry === call.tool_name || (!!call.safety_level && entry === call.safety_level));
}

function gateReason(rule: ApprovalGateRule, call: ToolCall): string {
	return rule.requires_approval_for.includes(call.tool_name) ? "the approval gate lists it" : `the approval gate lists its safety level ${call.safety_level}`;
}

export interface EvaluateRequest {
	input?: string;
	output?: string;
	tool_name?: string;
	/** The tool's safety level when the agent has a tool of that name. */
	safety_level?: string | null;
	tokens?: number;
}

export interface Evaluation {
	allowed: boolean;
	action: "allow" | "block" | "redact" | "require_approval";
	redacted_text?: string;
	violations: { policy_id: string | null; policy_name: string | null; rule_type: RuleType | null; message: string }[];
}

/**
 * §12 row 6: what the policies would do with this input, output, tool call and token count, as for a
 * production run. A block anywhere wins, then an approval requirement, then a redaction.
 */
export function evaluate(policies: PolicyView[], req: EvaluateRequest): Evaluation {
	const findings: Finding[] = [];
	let blocked = false;
	let approval = false;
	let redacted: string | undefined;
	for (const stage of ["input", "output"] as const) {
		const text = req[stage];
		if (text === undefined) continue;
		const result = filterContent(policies, stage, text);
		findings.push(...result.findings);
		if (result.action === "block") blocked = true;
		if (result.action === "redact" && redacted === undefined) redacted = result.text;
	}
	if (req.tool_name !== undefined) {
		const result = checkTool(policies, { tool_name: req.tool_name, safety_level: req.safety_level, mode: "production" });
		findings.push(...result.findings);
		if (result.action === "deny") blocked = true;
		if (result.action === "require_approval") approval = true;
	}
	if (req.tokens !== undefined) {
		// "may not exceed": a run at exactly the limit is still within it.
		const found = tokenLimit(policies);
		if (found && req.tokens > found.limit) {
			blocked = true;
			findings.push(finding(found.policy, "token_limit", "blocked", `${req.tokens} tokens exceed the limit of ${found.limit} tokens per run (policy "${found.policy.name}")`));
		}
	}
	const action = blocked ? "block" : approval ? "require_approval" : redacted !== undefined ? "redact" : "allow";
	const out: Evaluation = {
		allowed: action === "allow" || action === "redact",
		action,
		violations: findings.map(f => ({ policy_id: f.policy_id, policy_name: f.policy_name, rule_type: f.rule_type, message: f.message }))
	};
	if (!blocked && redacted !== undefined) out.redacted_text = redacted;
	return out;
}
