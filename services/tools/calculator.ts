/**
 * Arithmetic for the `calculator` built-in: numbers, `+ - * / ^`, parentheses and unary signs.
 * A recursive-descent parser; nothing is ever evaluated as code.
 *
 *   expr   := term (("+" | "-") term)*
 *   term   := unary (("*" | "/") unary)*
 *   unary  := ("+" | "-") unary | power
 *   power  := atom ("^" unary)?          right-associative, binds tighter than a leading sign
 *   atom   := number | "(" expr ")"
 */
export class CalculatorError extends Error {}

const MAX_LENGTH = 1000;
const MAX_DEPTH = 100;

export function calculate(expression: string): number {
	if (expression.length > MAX_LENGTH) throw new CalculatorError(`The expression is longer than ${MAX_LENGTH} characters`);
	const tokens = tokenize(expression);
	if (!tokens.length) throw new CalculatorError("The expression is empty");
	let pos = 0;
	let depth = 0;
	const peek = () => tokens[pos];
	const expect = (t: string) => {
		if (tokens[pos] !== t) throw new CalculatorError(pos < tokens.length ? `Expected "${t}" but found "${tokens[pos]}"` : `Expected "${t}" at the end`);
		pos++;
	};

	const expr = (): number => {
		let value = term();
		while (peek() === "+" || peek() === "-") {
			const op = tokens[pos++];
			const right = term();
			value = op === "+" ? value + right : value - right;
		}
		return value;
	};
	const term = (): number => {
		let value = unary();
		while (peek() === "*" || peek() === "/") {
			const op = tokens[pos++];
			const right = unary();
			if (op === "/" && right === 0) throw new CalculatorError("Division by zero");
			value = op === "*" ? value * right : value / right;
		}
		return value;
	};
	const unary = (): number => {
		if (peek() === "+" || peek() === "-") {
			const op = tokens[pos++];
			if (++depth > MAX_DEPTH) throw new CalculatorError("The expression is nested too deeply");
			const value = unary();
			depth--;
			return op === "-" ? -value : value;
		}
		return power();
	};
	const power = (): number => {
		const base = atom();
		if (peek() !== "^") return base;
		pos++;
		if (++depth > MAX_DEPTH) throw new CalculatorError("The expression is nested too deeply");
		const exponent = unary();
		depth--;
		return Math.pow(base, exponent);
	};
	const atom = (): number => {
		const t = peek();
		if (t === undefined) throw new CalculatorError("The expression ends too early");
		if (t === "(") {
			pos++;
			if (++depth > MAX_DEPTH) throw new CalculatorError("The expression is nested too deeply");
			const value = expr();
			depth--;
			expect(")");
			return value;
		}
		if (/^[0-9.]/.test(t)) {
			pos++;
			return Number(t);
		}
		throw new CalculatorError(`Unexpected "${t}"`);
	};

	const result = expr();
	if (pos < tokens.length) throw new CalculatorError(`Unexpected "${tokens[pos]}"`);
	if (!Number.isFinite(result)) throw new CalculatorError("The result is not a finite number");
	// 15 significant digits hide binary rounding noise (0.1 + 0.2 = 0.3).
	return Number(result.toPrecision(15));
}

function tokenize(input: string): string[] {
	const tokens: string[] = [];
	let i = 0;
	while (i < input.length) {
		const c = input[i];
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		if ("+-*/^()".includes(c)) {
			tokens.push(c);
			i++;
			continue;
		}
		const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(input.slice(i));
		if (m) {
			tokens.push(m[0]);
			i += m[0].length;
			continue;
		}
		throw new CalculatorError(`Unexpected character "${c}" at position ${i + 1}: only numbers, + - * / ^ and parentheses are allowed`);
	}
	return tokens;
}
