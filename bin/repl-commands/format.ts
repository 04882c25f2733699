/** A plain text table: the same in the interactive REPL and with `--exec`. */
export function table(headers: string[], rows: (string | number | null)[][]): string {
	const cells = [headers, ...rows.map(r => r.map(c => (c === null ? "-" : String(c))))];
	const widths = headers.map((_, i) => Math.max(...cells.map(r => r[i].length)));
	return cells.map(r => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}
