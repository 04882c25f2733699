import { deriveVariables, promptProblems } from "../../services/prompts/model";
import { placeholderNames, renderTemplate } from "../../services/prompts/template";

describe("prompt templates (§23, §0.14)", () => {
	it("finds placeholder names in order of first appearance, spaces optional", () => {
		expect(placeholderNames("{{a}} {{ b }} {{a}} {{  c_1 }} {x} {{}}")).toEqual(["a", "b", "c_1", ""]);
		expect(placeholderNames("no placeholders")).toEqual([]);
	});

	it("derives variables: declared ones first with defaults filled, then undeclared placeholders as required", () => {
		expect(deriveVariables("{{x}} {{y}}", [{ name: "y", required: false }, { name: "z", description: "d", default: 3 }])).toEqual([
			{ name: "y", description: "", required: false, default: null },
			{ name: "z", description: "d", required: true, default: 3 },
			{ name: "x", description: "", required: true, default: null }
		]);
	});

	it("reports duplicate declarations and invalid placeholder names", () => {
		expect(promptProblems({ template: "{{ok}} {{not.ok}} {{9no}}", variables: [{ name: "a" }, { name: "a" }] })).toEqual([
			{ field: "variables[1].name", message: "duplicates the variable a" },
			{ field: "template", message: "placeholder names must match ^[A-Za-z_][A-Za-z0-9_]*$: {{not.ok}}, {{9no}}" }
		]);
		expect(promptProblems({ template: "{{fine}}", variables: [{ name: "fine" }] })).toEqual([]);
	});

	const vars = [
		{ name: "who", required: true, default: null },
		{ name: "mood", required: false, default: "calm" },
		{ name: "extra", required: false, default: null }
	];

	it("renders values, then defaults, then blanks for optional variables; non-strings as compact JSON", () => {
		expect(renderTemplate("{{who}} is {{ mood }}{{extra}}", vars, { who: { n: [1, "a"] }, ignored: 1 })).toEqual({ rendered: '{"n":[1,"a"]} is calm', missing: [] });
		expect(renderTemplate("{{who}}/{{mood}}/{{extra}}", vars, { who: 0, mood: false, extra: "!" })).toEqual({ rendered: "0/false/!", missing: [] });
		expect(renderTemplate("{{who}} $& $1", vars, { who: "$'" })).toEqual({ rendered: "$' $& $1", missing: [] });
	});

	it("lists every required variable without a value or default", () => {
		const required = [{ name: "a", required: true, default: null }, { name: "b", required: true, default: "B" }, { name: "c", required: true, default: null }];
		expect(renderTemplate("{{a}}{{b}}{{c}}", required, {})).toEqual({ rendered: null, missing: ["a", "c"] });
	});
});
