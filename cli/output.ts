/** Where the CLI writes: results to stdout, progress and errors to stderr. */
export interface Output {
	json: boolean;
	color: boolean;
	stdout: NodeJS.WritableStream & { isTTY?: boolean };
	stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export const print = (out: Output, line = "") => out.stdout.write(line + "\n");
export const info = (out: Output, line = "") => out.stderr.write(line + "\n");
export const printJson = (out: Output, value: unknown) => out.stdout.write(JSON.stringify(value, null, 2) + "\n");

const paint = (code: number) => (out: Output, text: string) => (out.color ? `\u001b[${code}m${text}\u001b[0m` : text);
export const green = paint(32);
export const red = paint(31);
export const dim = paint(2);
export const bold = paint(1);

/** Left-aligned columns; values are shown as text, `null`/`undefined` as "-". */
export function table(out: Output, rows: Record<string, unknown>[], columns: string[]): void {
	const cells = rows.map(row => columns.map(c => (row[c] == null || row[c] === "" ? "-" : String(row[c]))));
	const widths = columns.map((c, i) => Math.max(c.length, ...cells.map(r => r[i].length)));
	const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]))).join("  ");
	print(out, bold(out, line(columns.map(c => c.toUpperCase()))));
	for (const row of cells) print(out, line(row));
}

/** A record as aligned `key: value` lines (objects as compact JSON). */
export function details(out: Output, record: Record<string, unknown>, keys: string[]): void {
	const width = Math.max(...keys.map(k => k.length));
	for (const key of keys) {
		const value = record[key];
		const text = value == null ? "-" : typeof value === "object" ? JSON.stringify(value) : String(value);
		print(out, `${dim(out, key.padEnd(width))}  ${text}`);
	}
}
