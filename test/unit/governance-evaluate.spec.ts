import { checkTool, evaluate, filterContent, limitTokens, redactRanges, type PolicyView } from "../../services/governance/evaluate";
import { conditionHolds, conditionKey, conditionsToFire, watchedTools } from "../../services/governance/escalation";
import { checkRules, type Rule } from "../../services/governance/rules";

let seq = 0;
function policy(...raw: Record<string, unknown>[]): PolicyView {
	const { rules, problems } = checkRules(raw);
	if (problems.length) throw new Error(JSON.stringify(problems));
	seq += 1;
	return { id: `pol_${seq}`, name: `Policy ${seq}`, rules: rules as Rule[] };
}

describe("content filters", () => {
	test("literal patterns are case-insensitive substrings; regex patterns are ECMAScript, case-insensitive", () => {
		const literal = policy({ type: "content_filter", block_patterns: ["Secret Plan"] });
		expect(filterContent([literal], "input", "the SECRET plan is here").action).toBe("block");
		expect(filterContent([literal], "input", "a secret, planned").action).toBe("allow");
		const regex = policy({ type: "content_filter", pattern_type: "regex", block_patterns: ["\\bssn:\\s*\\d{3}-\\d{2}-\\d{4}\\b"] });
		expect(filterContent([regex], "input", "SSN: 123-45-6789").action).toBe("block");
		expect(filterContent([regex], "input", "ssn 123456789").action).toBe("allow");
		// Literal patterns are text, never expressions.
		const dots = policy({ type: "content_filter", block_patterns: ["a.b"] });
		expect(filterContent([dots], "input", "axb").action).toBe("allow");
		expect(filterContent([dots], "input", "A.B").action).toBe("block");
	});

	test("applies_to limits the stage; no filter for the stage means it does not apply", () => {
		const outputOnly = policy({ type: "content_filter", block_patterns: ["x"], applies_to: ["output"] });
		expect(filterContent([outputOnly], "input", "x")).toMatchObject({ applies: false, action: "allow" });
		expect(filterContent([outputOnly], "output", "x")).toMatchObject({ applies: true, action: "block" });
		expect(filterContent([outputOnly], "output", "y")).toMatchObject({ applies: true, action: "allow", findings: [] });
	});

	test("redaction replaces every match by [REDACTED]; several filters combine on the original text", () => {
		const a = policy({ type: "content_filter", action: "redact", block_patterns: ["password", "pass"] });
		const b = policy({ type: "content_filter", action: "redact", pattern_type: "regex", block_patterns: ["\\d{4}"] });
		const result = filterContent([a, b], "output", "Password 1234, again PASSWORD 98765 red");
		expect(result.action).toBe("redact");
		expect(result.text).toBe("[REDACTED] [REDACTED], again [REDACTED] [REDACTED]5 red");
		expect(result.findings.map(f => [f.policy_id, f.action])).toEqual([
			[a.id, "redacted"],
			[b.id, "redacted"]
		]);
	});

	test("block beats redact, whatever the order of the policies", () => {
		const redact = policy({ type: "content_filter", action: "redact", block_patterns: ["alpha"] });
		const block = policy({ type: "content_filter", block_patterns: ["beta"] });
		for (const policies of [[redact, block], [block, redact]]) {
			const result = filterContent(policies, "input", "alpha beta");
			expect(result.action).toBe("block");
			expect(result.text).toBe("alpha beta");
			expect(result.findings.map(f => f.policy_id)).toEqual([block.id]);
		}
	});

	test("an expression that only matches the empty string never matches", () => {
		const empty = policy({ type: "content_filter", action: "redact", pattern_type: "regex", block_patterns: ["x*"] });
		expect(filterContent([empty], "input", "abc")).toMatchObject({ action: "allow", text: "abc" });
		expect(filterContent([empty], "input", "axxb")).toMatchObject({ action: "redact", text: "a[REDACTED]b" });
	});

	test("overlapping ranges are merged", () => {
		expect(redactRanges("abcdef", [[1, 3], [2, 5]])).toBe("a[REDACTED]f");
		expect(redactRanges("abcdef", [])).toBe("abcdef");
	});
});

describe("token limits", () => {
	const loose = policy({ type: "token_limit", max_tokens_per_run: 1000 });
	const tight = policy({ type: "token_limit", max_tokens_per_run: 100 });

	test("the lowest limit of all policies applies", () => {
		expect(limitTokens([loose, tight], 60, 40, 500)).toMatchObject({ action: "block", limit: 100 });
		expect(limitTokens([loose, tight], 60, 40, 500).findings[0].policy_id).toBe(tight.id);
		expect(limitTokens([loose, tight], 60, 39, 500)).toMatchObject({ action: "allow", limit: 100, max_tokens: 1 });
	});

	test("max_tokens is lowered to the room left, never raised", () => {
		expect(limitTokens([loose], 100, 50, 4096).max_tokens).toBe(850);
		expect(limitTokens([loose], 100, 50, 200).max_tokens).toBe(200);
		expect(limitTokens([loose], 100, 50).max_tokens).toBe(850);
		expect(limitTokens([], 100, 50, 4096)).toMatchObject({ applies: false, action: "allow" });
	});
});

describe("tool checks", () => {
	test("blocked tools of all policies are united; a restriction beats an approval gate", () => {
		const p1 = policy({ type: "tool_restriction", blocked_tools: ["a"] });
		const p2 = policy({ type: "tool_restriction", blocked_tools: ["b"] }, { type: "approval_gate", requires_approval_for: ["a"] });
		expect(checkTool([p1, p2], { tool_name: "a", mode: "production" }).action).toBe("deny");
		expect(checkTool([p1, p2], { tool_name: "b", mode: "production" }).action).toBe("deny");
		expect(checkTool([p1, p2], { tool_name: "c", mode: "production" })).toMatchObject({ applies: true, action: "allow" });
	});

	test("approval gates match tool names or safety levels; several gates combine", () => {
		const byName = policy({ type: "approval_gate", requires_approval_for: ["payments.refund"], approval_timeout_seconds: 600, assignee_user_ids: ["usr_a"] });
		const byLevel = policy({ type: "approval_gate", requires_approval_for: ["moderate"], approval_timeout_seconds: 300, assignee_user_ids: ["usr_b"] });
		const both = checkTool([byName, byLevel], { tool_name: "payments.refund", safety_level: "moderate", mode: "production" });
		expect(both.action).toBe("require_approval");
		expect(both.approval).toMatchObject({ policy_id: byName.id, rule_type: "approval_gate", timeout_seconds: 300, assignee_user_ids: ["usr_a", "usr_b"] });
		expect(checkTool([byName, byLevel], { tool_name: "search", safety_level: "moderate", mode: "production" }).approval?.policy_id).toBe(byLevel.id);
		expect(checkTool([byName, byLevel], { tool_name: "search", safety_level: "safe", mode: "production" }).action).toBe("allow");
	});

	test("built-in rule: a dangerous tool in production needs an approval even without policies", () => {
		const result = checkTool([], { tool_name: "rm", safety_level: "dangerous", mode: "production" });
		expect(result).toMatchObject({ applies: true, action: "require_approval" });
		expect(result.approval).toMatchObject({ policy_id: null, rule_type: null, timeout_seconds: 86_400, assignee_user_ids: [] });
		expect(checkTool([], { tool_name: "rm", safety_level: "dangerous", mode: "test" })).toMatchObject({ applies: false, action: "allow" });
		expect(checkTool([], { tool_name: "ls", safety_level: "moderate", mode: "production" })).toMatchObject({ applies: false, action: "allow" });
	});
});

describe("evaluate (row 6)", () => {
	test("a redaction without a block is allowed and returns the redacted text", () => {
		const p = policy({ type: "content_filter", action: "redact", block_patterns: ["4111"] });
		expect(evaluate([p], { input: "card 4111 1111" })).toEqual({
			allowed: true,
			action: "redact",
			redacted_text: "card [REDACTED] 1111",
			violations: [{ policy_id: p.id, policy_name: p.name, rule_type: "content_filter", message: expect.any(String) }]
		});
	});

	test("a block anywhere wins over an approval requirement and a redaction", () => {
		const p = policy(
			{ type: "content_filter", action: "redact", block_patterns: ["secret"] },
			{ type: "approval_gate", requires_approval_for: ["deploy"] },
			{ type: "token_limit", max_tokens_per_run: 100 }
		);
		expect(evaluate([p], { input: "secret", tool_name: "deploy" })).toMatchObject({ allowed: false, action: "require_approval", redacted_text: "[REDACTED]" });
		const blocked = evaluate([p], { input: "secret", tool_name: "deploy", tokens: 101 });
		expect(blocked).toMatchObject({ allowed: false, action: "block" });
		expect(blocked.redacted_text).toBeUndefined();
		expect(blocked.violations.map(v => v.rule_type)).toEqual(["content_filter", "approval_gate", "token_limit"]);
		expect(evaluate([p], { tokens: 100 })).toEqual({ allowed: true, action: "allow", violations: [] });
	});
});

describe("escalation conditions", () => {
	const run = { status: "running", cost_usd: 0.2, tokens_input: 40, tokens_output: 20, input: "Refund my ORDER", output: null };

	test("each kind holds on its own facts", () => {
		expect(conditionHolds({ on: "run_failed" }, run)).toBeNull();
		expect(conditionHolds({ on: "run_failed" }, { ...run, status: "failed" })).toMatch(/failed/);
		expect(conditionHolds({ on: "cost_above", threshold_usd: 0.2 }, run)).toBeNull();
		expect(conditionHolds({ on: "cost_above", threshold_usd: 0.19 }, run)).toMatch(/0.2 USD/);
		expect(conditionHolds({ on: "tokens_above", threshold: 60 }, run)).toBeNull();
		expect(conditionHolds({ on: "tokens_above", threshold: 59 }, run)).toMatch(/60 tokens/);
		expect(conditionHolds({ on: "pattern", pattern: "order" }, run)).toMatch(/input/);
		expect(conditionHolds({ on: "pattern", pattern: "LAWYER" }, { ...run, output: "call my lawyer" })).toMatch(/output/);
		expect(conditionHolds({ on: "tool_called", tool: "refund" }, run)).toBeNull();
		expect(conditionHolds({ on: "tool_called", tool: "refund" }, run, { type: "tool_call", name: "refund", status: "completed" })).toMatch(/refund/);
		expect(conditionHolds({ on: "tool_called", tool: "refund" }, run, { type: "llm_call", name: "refund" })).toBeNull();
	});

	test("conditions already fired are skipped; keys follow the condition, not its position", () => {
		const p = policy({ type: "escalation", conditions: [{ on: "pattern", pattern: "order" }, { on: "cost_above", threshold_usd: 0.1 }, { on: "tool_called", tool: "refund" }] });
		const first = conditionsToFire([p], run, null, new Set());
		expect(first.map(f => f.condition.on)).toEqual(["pattern", "cost_above"]);
		const again = conditionsToFire([p], run, null, new Set(first.map(f => f.key)));
		expect(again).toEqual([]);
		expect(conditionKey(p.id, { on: "cost_above", threshold_usd: 0.1 })).toBe(first[1].key);
		expect(watchedTools([p])).toEqual(new Set(["refund"]));
	});
});
