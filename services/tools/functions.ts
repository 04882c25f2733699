import { calculate, CalculatorError } from "./calculator";
import { invalidToolInput, ToolCallError } from "./errors";

/** `current_time`: `{iso, unix}` now, with the ISO offset of `timezone` (IANA name) when given, else UTC. */
export function currentTime(timezone: unknown, now = new Date()): { iso: string; unix: number; timezone: string } {
	const unix = Math.floor(now.getTime() / 1000);
	if (timezone === undefined || timezone === null || timezone === "" || timezone === "UTC") return { iso: now.toISOString(), unix, timezone: "UTC" };
	if (typeof timezone !== "string") throw invalidToolInput("timezone: must be a string such as Europe/Paris");
	let parts: Intl.DateTimeFormatPart[];
	try {
		parts = new Intl.DateTimeFormat("en-US", {
			timeZone: timezone,
			hourCycle: "h23",
			year: "numeric",
			month: "2-digit",
			day: "2-digit",
			hour: "2-digit",
			minute: "2-digit",
			second: "2-digit",
			timeZoneName: "longOffset"
		}).formatToParts(now);
	} catch {
		throw invalidToolInput(`timezone: unknown time zone ${timezone}: use an IANA name such as Europe/Paris`);
	}
	const get = (type: string) => parts.find(p => p.type === type)?.value ?? "";
	const offsetName = get("timeZoneName"); // "GMT+05:30" or "GMT"
	const offset = offsetName === "GMT" ? "+00:00" : offsetName.replace(/^GMT/, "");
	const ms = String(now.getUTCMilliseconds()).padStart(3, "0");
	const iso = `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}.${ms}${offset}`;
	return { iso, unix, timezone };
}

/** Runs a built-in function tool. */
export function runFunction(name: string, input: Record<string, any>): unknown {
	switch (name) {
		case "echo":
			return input;
		case "current_time":
			return currentTime(input.timezone);
		case "calculator": {
			if (typeof input.expression !== "string") throw invalidToolInput("expression: is required (a string such as \"(2 + 3) * 4\")");
			try {
				return { result: calculate(input.expression) };
			} catch (err) {
				if (err instanceof CalculatorError) throw invalidToolInput(`expression: ${err.message}`);
				throw err;
			}
		}
		default:
			throw new ToolCallError("TOOL_UNAVAILABLE", `Unknown built-in function ${name}`);
	}
}
