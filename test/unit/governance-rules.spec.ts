import { checkRules, regexProblem } from "../../services/governance/rules";

const fields = (value: unknown) => checkRules(value).problems.map(p => p.field);

describe("policy rule validation", () => {
	test("fills each type's defaults and keeps only its fields", () => {
		const { rules, problems } = checkRules([
			{ type: "token_limit", max_tokens_per_run: 1000 },
			{ type: "tool_restriction", blocked_tools: ["shell.exec", "shell.exec"] },
			{ type: "approval_gate", requires_approval_for: ["dangerous", "payments.refund"] },
			{ type: "content_filter", block_patterns: ["secret"] },
			{ type: "escalation", conditions: [{ on: "run_failed" }, { on: "cost_above", threshold_usd: 0.5 }] }
		]);
		expect(problems).toEqual([]);
		expect(rules).toEqual([
			{ type: "token_limit", max_tokens_per_run: 1000 },
			{ type: "tool_restriction", blocked_tools: ["shell.exec"] },
			{ type: "approval_gate", requires_approval_for: ["dangerous", "payments.refund"], approval_timeout_seconds: 86_400, assignee_user_ids: [] },
			{ type: "content_filter", block_patterns: ["secret"], pattern_type: "literal", action: "block", applies_to: ["input", "output"] },
			{ type: "escalation", conditions: [{ on: "run_failed" }, { on: "cost_above", threshold_usd: 0.5 }], pause_run: false, timeout_minutes: 60, assignee_user_ids: [] }
		]);
	});

	test("missing and unknown fields for the type are reported with their paths", () => {
		expect(fields([{ type: "token_limit", max_tokens_per_run: 5 }, { type: "token_limit" }])).toEqual(["rules[1].max_tokens_per_run"]);
		expect(fields([{ type: "tool_restriction", blocked_tools: ["a"], max_tokens_per_run: 5 }])).toEqual(["rules[0].max_tokens_per_run"]);
		expect(fields([{ type: "content_filter" }, { type: "approval_gate" }, { type: "escalation" }])).toEqual([
			"rules[0].block_patterns",
			"rules[1].requires_approval_for",
			"rules[2].conditions"
		]);
		expect(fields([{ max_tokens_per_run: 5 }, { type: "quota" }, "x"])).toEqual(["rules[0].type", "rules[1].type", "rules[2]"]);
	});

	test("values out of range answer every problem at once", () => {
		expect(
			fields([
				{ type: "token_limit", max_tokens_per_run: 0 },
				{ type: "token_limit", max_tokens_per_run: 1.5 },
				{ type: "approval_gate", requires_approval_for: [], approval_timeout_seconds: 59 },
				{ type: "approval_gate", requires_approval_for: ["bad name!"], approval_timeout_seconds: 604_801, assignee_user_ids: ["ok", "no spaces"] },
				{ type: "content_filter", block_patterns: ["x", ""], pattern_type: "glob", action: "mask", applies_to: ["both"] },
				{ type: "escalation", conditions: [{ on: "run_failed" }], pause_run: "yes", timeout_minutes: 0 }
			])
		).toEqual([
			"rules[0].max_tokens_per_run",
			"rules[1].max_tokens_per_run",
			"rules[2].approval_timeout_seconds",
			"rules[2].requires_approval_for",
			"rules[3].approval_timeout_seconds",
			"rules[3].requires_approval_for[0]",
			"rules[3].assignee_user_ids[1]",
			"rules[4].pattern_type",
			"rules[4].action",
			"rules[4].block_patterns[1]",
			"rules[4].applies_to[0]",
			"rules[5].pause_run",
			"rules[5].timeout_minutes"
		]);
	});

	test("escalation conditions need exactly their fields", () => {
		expect(
			fields([
				{
					type: "escalation",
					conditions: [
						{ on: "cost_above" },
						{ on: "tokens_above", threshold: -1 },
						{ on: "pattern", pattern: "x", threshold: 3 },
						{ on: "tool_called", tool: "bad tool" },
						{ on: "weather" },
						{},
						{ on: "run_failed", extra: true }
					]
				}
			])
		).toEqual([
			"rules[0].conditions[0].threshold_usd",
			"rules[0].conditions[1].threshold",
			"rules[0].conditions[2].threshold",
			"rules[0].conditions[3].tool",
			"rules[0].conditions[4].on",
			"rules[0].conditions[5].on",
			"rules[0].conditions[6].extra"
		]);
	});

	test("regex patterns must compile; literal patterns are never compiled as regex", () => {
		expect(fields([{ type: "content_filter", pattern_type: "regex", block_patterns: ["ok\\d+", "(unclosed", "[z-a]"] }])).toEqual([
			"rules[0].block_patterns[1]",
			"rules[0].block_patterns[2]"
		]);
		expect(fields([{ type: "content_filter", block_patterns: ["(unclosed"] }])).toEqual([]);
		expect(regexProblem("(a")).toMatch(/^is not a valid regular expression: /);
	});

	test("the list itself: 1 to 50 rules", () => {
		expect(fields([])).toEqual(["rules"]);
		expect(fields("x")).toEqual(["rules"]);
		expect(fields(Array.from({ length: 51 }, () => ({ type: "token_limit", max_tokens_per_run: 1 })))).toEqual(["rules"]);
		expect(fields(Array.from({ length: 50 }, () => ({ type: "token_limit", max_tokens_per_run: 1 })))).toEqual([]);
	});
});
