import { checkGraph } from "../../services/workflows/dag";
import { referencedSteps, render } from "../../services/workflows/template";

const step = (id: string, depends_on: string[] = [], input_template?: string) => ({ id, depends_on, input_template });

describe("workflow graph checks", () => {
	test("a valid graph answers its parallel layers in execution order, definition order within a layer", () => {
		const report = checkGraph([step("d", ["b", "c"]), step("c", ["a"]), step("a"), step("b", ["a"]), step("e")]);
		expect(report).toEqual({ problems: [], levels: [["a", "e"], ["c", "b"], ["d"]] });
	});

	test("duplicates, unknown and self dependencies are each reported on their step", () => {
		const report = checkGraph([step("a", ["a"]), step("a"), step("b", ["zz", "a"])]);
		expect(report.problems).toEqual([
			{ field: "steps[1].id", message: 'duplicate step id "a" (already used by steps[0])' },
			{ field: "steps[0].depends_on", message: 'step "a" depends on itself' },
			{ field: "steps[2].depends_on", message: 'names unknown step "zz"' },
			{ field: "steps[2].depends_on", message: 'step "b" is unreachable: it waits on "a", which can never complete' }
		]);
		expect(report.levels).toEqual([]);
	});

	test("every cycle is named once, in execution order from its first step; steps behind it are unreachable", () => {
		const report = checkGraph([step("a", ["c"]), step("b", ["a"]), step("c", ["b"]), step("x", ["y"]), step("y", ["x"]), step("tail", ["c", "ok"]), step("ok")]);
		expect(report.problems).toEqual([
			{ field: "steps[0].depends_on", message: "cycle: a -> b -> c -> a" },
			{ field: "steps[3].depends_on", message: "cycle: x -> y -> x" },
			{ field: "steps[5].depends_on", message: 'step "tail" is unreachable: it waits on "c", which can never complete' }
		]);
	});

	test("placeholders may name dependencies only", () => {
		const report = checkGraph([step("a"), step("b"), step("c", ["a"], "{{steps.a.output}} {{ steps.b.output }} {{steps.c.output}} {{input}}")]);
		expect(report.problems.map(p => p.message)).toEqual([
			'uses {{steps.b.output}} but "c" does not depend on "b"',
			'uses {{steps.c.output}} but "c" does not depend on "c"'
		]);
	});

	test("malformed steps are skipped by the graph checks (their shapes are reported elsewhere)", () => {
		expect(checkGraph([null as any, { id: 5 }, step("a", [7 as any])]).problems).toEqual([]);
	});
});

describe("workflow templates", () => {
	const context = { input: "in", steps: { a: { output: "plain" }, j: { output: '{"n": 2, "list": [1, 2], "nested": {"k": "v"}}' } } };

	test("renders input and step outputs, spaces inside the braces optional", () => {
		expect(render("{{input}}|{{ steps.a.output }}|{{steps.a.output}}", context)).toBe("in|plain|plain");
	});

	test("a missing path renders empty; non-string values as compact JSON; JSON outputs can be walked", () => {
		expect(render("[{{steps.zz.output}}][{{nothing}}][{{steps.a.output.deeper}}]", context)).toBe("[][][]");
		expect(render("{{steps.j.output.n}} {{steps.j.output.list}} {{steps.j.output.nested}} {{steps.j.output.nested.k}}", context)).toBe('2 [1,2] {"k":"v"} v');
	});

	test("referencedSteps lists each step once, in order", () => {
		expect(referencedSteps("{{steps.b.output}} {{input}} {{ steps.a.output.x }} {{steps.b.output}}")).toEqual(["b", "a"]);
	});
});
