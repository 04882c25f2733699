import { CronExpressionParser } from "cron-parser";

/**
 * The contract's 5-field cron grammar (§7), validated here before cron-parser sees an expression:
 * cron-parser also accepts seconds, names, `L`, `#`, `?` and `H`, which the contract does not.
 */

interface FieldSpec {
	name: string;
	min: number;
	max: number;
}

const FIELDS: FieldSpec[] = [
	{ name: "minute", min: 0, max: 59 },
	{ name: "hour", min: 0, max: 23 },
	{ name: "day-of-month", min: 1, max: 31 },
	{ name: "month", min: 1, max: 12 },
	{ name: "day-of-week", min: 0, max: 7 }
];

const ITEM = /^(\*|\d{1,2}(?:-\d{1,2})?)(?:\/(\d{1,2}))?$/;
/** Longest month length per month (February counts its leap day). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export interface ParsedCron {
	values: number[][];
	/** Per field: written as exactly `*` (for the day fields: not restricted). */
	star: boolean[];
}

/** The values a field's text stands for, or a message saying what is wrong with it. */
function parseField(text: string, spec: FieldSpec): number[] | string {
	const values = new Set<number>();
	for (const item of text.split(",")) {
		const m = ITEM.exec(item);
		if (!m) return `${spec.name} "${item}" must be *, n, a-b, a,b, */n or a-b/n`;
		const [, base, stepText] = m;
		let from = spec.min;
		let to = spec.max;
		if (base !== "*") {
			const [a, b] = base.split("-").map(Number);
			from = a;
			to = b ?? a;
			if (from < spec.min || to > spec.max) return `${spec.name} values must be between ${spec.min} and ${spec.max}`;
			if (from > to) return `${spec.name} range ${base} must go from low to high`;
			if (stepText !== undefined && b === undefined) return `${spec.name} step needs * or a range before /`;
		}
		const step = stepText === undefined ? 1 : Number(stepText);
		if (step < 1) return `${spec.name} step must be at least 1`;
		for (let v = from; v <= to; v += step) values.add(v);
	}
	return [...values].sort((x, y) => x - y);
}

/** Parses an expression of the contract's grammar; a string says what is wrong. */
export function parseCron(expression: string): ParsedCron | string {
	const parts = expression.trim().split(/\s+/);
	if (parts.length !== 5 || parts[0] === "") return "must have 5 fields: minute hour day-of-month month day-of-week";
	const values: number[][] = [];
	for (let i = 0; i < 5; i++) {
		const field = parseField(parts[i], FIELDS[i]);
		if (typeof field === "string") return field;
		values.push(field);
	}
	const star = parts.map(p => p === "*");
	const [, , days, months] = values;
	// With day-of-week unrestricted only the day of month decides: 31 in February alone never comes.
	if (!star[2] && star[4] && !months.some(month => days.some(day => day <= DAYS_IN_MONTH[month - 1]))) {
		return "never matches a date: no listed month has the listed days";
	}
	return { values, star };
}

/** Why `expression` is not a valid cron expression of the contract, or null when it is. */
export function cronProblem(expression: unknown): string | null {
	if (typeof expression !== "string") return "must be a string";
	const parsed = parseCron(expression);
	return typeof parsed === "string" ? parsed : null;
}

const zoneCache = new Map<string, boolean>();
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** An IANA zone name the runtime knows (`UTC`, `Europe/Berlin`, …); offsets such as `+02:00` are not zone names. */
export function isTimezone(zone: unknown): zone is string {
	if (typeof zone !== "string" || zone.length > 64 || !ZONE_NAME.test(zone)) return false;
	let known = zoneCache.get(zone);
	if (known === undefined) {
		try {
			new Intl.DateTimeFormat("en-US", { timeZone: zone });
			known = true;
		} catch {
			known = false;
		}
		zoneCache.set(zone, known);
	}
	return known;
}

/**
 * The next `count` ticks of a valid expression strictly after `after`, read in `timezone`. Around DST
 * changes a wall-clock time that does not exist fires once at the first minute after the gap, and a
 * time that occurs twice fires once, at its first occurrence (cron-parser's semantics).
 */
export function cronTicks(expression: string, timezone: string, after: Date, count: number): Date[] {
	const parsed = parseCron(expression);
	if (typeof parsed === "string") throw new Error(`invalid cron expression: ${parsed}`);
	// Handed over as explicit lists, so cron-parser reads exactly the values parsed above (7 becomes 0).
	const fields = parsed.values.map((values, i) => {
		if (parsed.star[i]) return "*";
		return [...new Set(i === 4 ? values.map(v => v % 7) : values)].sort((a, b) => a - b).join(",");
	});
	const it = CronExpressionParser.parse(`0 ${fields.join(" ")}`, { tz: timezone, currentDate: new Date(after.getTime()) });
	const out: Date[] = [];
	for (let i = 0; i < count; i++) out.push(it.next().toDate());
	return out;
}
