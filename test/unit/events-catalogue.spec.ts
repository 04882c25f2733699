import { isReservedType, matchingPatterns, patternMatches, shapePayload } from "../../services/events/catalogue";
import { renderTemplate } from "../../services/events/template";

describe("event catalogue", () => {
	test("a run broadcast is shaped to the catalogue's run fields; output only on run.completed", () => {
		const run = { id: "run_1", agent_id: "agt_1", trigger: "api", mode: "test", status: "completed", output: "hi", error: null, tokens_input: 3, tokens_output: 4, cost_usd: 0, latency_ms: 12, input: "secret-ish input", metadata: { a: 1 } };
		expect(shapePayload("run.completed", { org_id: "org_1", run })).toEqual({
			run_id: "run_1", agent_id: "agt_1", trigger: "api", mode: "test", status: "completed", output: "hi", error: null, tokens_input: 3, tokens_output: 4, cost_usd: 0, latency_ms: 12
		});
		expect(shapePayload("run.failed", { org_id: "org_1", run: { ...run, status: "failed" } })).not.toHaveProperty("output");
	});

	test("top-level fields win, extra fields are dropped, missing fields are null", () => {
		expect(shapePayload("approval.requested", { org_id: "o", approval_id: "apr_1", kind: "tool_call", run_id: "run_1", agent_id: "a", tool_name: "t", decided_by: null, approval: { id: "apr_1", secret: "x" } })).toEqual({
			approval_id: "apr_1", kind: "tool_call", run_id: "run_1", agent_id: "a", tool_name: "t", decided_by: null
		});
		expect(shapePayload("agent.deleted", { org_id: "o", agent_id: "agt_1", name: "n" })).toEqual({ agent_id: "agt_1", name: "n", version: null });
		expect(shapePayload("not.a.type", { org_id: "o", x: 1 })).toEqual({});
	});

	test("matching: exact, *, and every prefix wildcard", () => {
		expect(matchingPatterns("a.b.c").sort()).toEqual(["*", "a.*", "a.b.*", "a.b.c"]);
		expect(patternMatches("run.*", "run.completed")).toBe(true);
		expect(patternMatches("run.*", "runtime.completed")).toBe(false);
		expect(patternMatches("run.completed", "run.failed")).toBe(false);
		expect(patternMatches("*", "anything")).toBe(true);
	});

	test("reserved types: built-ins and built-in prefixes", () => {
		expect(isReservedType("run.completed")).toBe(true);
		expect(isReservedType("webhook.custom")).toBe(true);
		expect(isReservedType("runner.done")).toBe(false);
		expect(isReservedType("order.placed")).toBe(false);
	});
});

describe("input templates", () => {
	test("{{event.<path>}} reads the payload; missing renders empty; non-strings render as JSON", () => {
		const payload = { title: "Hi", n: 3, nested: { list: [1, "a"] }, none: null };
		expect(renderTemplate("{{event.title}}|{{ event.n }}|{{event.nested.list}}|{{event.nested}}|{{event.none}}|{{event.nope.deeper}}|{{other.x}}", payload)).toBe(
			'Hi|3|[1,"a"]|{"list":[1,"a"]}|null||'
		);
		expect(renderTemplate("all: {{event}}", { a: 1 })).toBe('all: {"a":1}');
		expect(renderTemplate("no placeholders", payload)).toBe("no placeholders");
	});
});
