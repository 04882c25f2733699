import { calculate, CalculatorError } from "../../services/tools/calculator";

describe("calculator", () => {
	test.each([
		["1 + 2 * 3", 7],
		["(1 + 2) * 3", 9],
		["2 ^ 3 ^ 2", 512],
		["-2 ^ 2", -4],
		["(-2) ^ 2", 4],
		["10 / 4", 2.5],
		["8 - 3 - 2", 3],
		["64 / 4 / 2", 8],
		["--3", 3],
		["2 * -3", -6],
		[".5 + 1.25", 1.75],
		["1e3 / 10", 100],
		["0.1 + 0.2", 0.3],
		["2 ^ -1", 0.5]
	])("%s = %d", (expression, result) => {
		expect(calculate(expression)).toBe(result);
	});

	test.each(["", "2 +", "(1 + 2", "1 + 2)", "1 / 0", "2 ** 3", "abs(1)", "1; 2", "x", "(-8) ^ 0.5", "10 ^ 400", "1 2"])("refuses %j", expression => {
		expect(() => calculate(expression)).toThrow(CalculatorError);
	});

	test("deep nesting is refused, not a stack overflow", () => {
		expect(() => calculate("(".repeat(500) + "1" + ")".repeat(500))).toThrow(CalculatorError);
		expect(() => calculate("-".repeat(500) + "1")).toThrow(CalculatorError);
	});
});
