import { cronProblem, cronTicks, isTimezone, parseCron } from "../../services/schedules/cron";
import { firstTick, nextFutureTick, upcomingTicks } from "../../services/schedules/timing";

const iso = (dates: Date[]) => dates.map(d => d.toISOString());
const at = (s: string) => new Date(s);

describe("cron grammar (§7)", () => {
	it.each([
		"* * * * *",
		"0 9 * * 1-5",
		"*/15 * * * *",
		"0-30/10 8-18/2 1,15 * *",
		"5 4 * * 0",
		"5 4 * * 7",
		"0 0 1,15 1-12/3 0,7",
		"59 23 31 12 6",
		"  0   9 * *   1-5 "
	])("accepts %p", expr => {
		expect(cronProblem(expr)).toBeNull();
	});

	it.each([
		["", /5 fields/],
		["* * * *", /5 fields/],
		["* * * * * *", /5 fields/],
		["60 * * * *", /minute values must be between 0 and 59/],
		["* 24 * * *", /hour values must be between 0 and 23/],
		["* * 0 * *", /day-of-month values must be between 1 and 31/],
		["* * 32 * *", /day-of-month/],
		["* * * 0 *", /month values must be between 1 and 12/],
		["* * * 13 *", /month/],
		["* * * * 8", /day-of-week values must be between 0 and 7/],
		["5-1 * * * *", /from low to high/],
		["*/0 * * * *", /step must be at least 1/],
		["5/10 * * * *", /step needs \* or a range/],
		["* * * JAN *", /must be \*, n, a-b/],
		["* * * * MON", /must be \*, n, a-b/],
		["* * ? * *", /must be \*, n, a-b/],
		["* * L * *", /must be \*, n, a-b/],
		["* * * * 5#3", /must be \*, n, a-b/],
		["1,,2 * * * *", /must be \*, n, a-b/],
		["-1 * * * *", /must be \*, n, a-b/],
		["0 0 31 2 *", /never matches/],
		["0 0 30,31 2 *", /never matches/]
	])("rejects %p", (expr, message) => {
		expect(cronProblem(expr)).toMatch(message);
	});

	it("rejects what is not a string", () => {
		expect(cronProblem(5)).toBe("must be a string");
	});

	it("expands lists, ranges and steps", () => {
		const parsed = parseCron("0-30/10 */8 1,15 1-12/3 1-7/2");
		if (typeof parsed === "string") throw new Error(parsed);
		expect(parsed.values).toEqual([[0, 10, 20, 30], [0, 8, 16], [1, 15], [1, 4, 7, 10], [1, 3, 5, 7]]);
		expect(parsed.star).toEqual([false, false, false, false, false]);
	});

	it("a 31st in February is fine when day-of-week rescues it (either matches)", () => {
		expect(cronProblem("0 0 31 2 1")).toBeNull();
	});
});

describe("time zones", () => {
	it.each(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Etc/GMT+5", "America/Argentina/Buenos_Aires"])("%p is a zone", zone => {
		expect(isTimezone(zone)).toBe(true);
	});
	it.each(["Mars/Olympus", "+02:00", "GMT+2:00", "", "Europe/", "Not a zone", 5])("%p is not", zone => {
		expect(isTimezone(zone)).toBe(false);
	});
});

describe("next cron ticks", () => {
	it("are strictly after the given instant, in UTC by default", () => {
		expect(iso(cronTicks("*/15 * * * *", "UTC", at("2026-01-01T10:15:00.000Z"), 3))).toEqual([
			"2026-01-01T10:30:00.000Z",
			"2026-01-01T10:45:00.000Z",
			"2026-01-01T11:00:00.000Z"
		]);
		expect(iso(cronTicks("* * * * *", "UTC", at("2026-01-01T10:15:00.500Z"), 1))).toEqual(["2026-01-01T10:16:00.000Z"]);
	});

	it("read the fields in the schedule's zone", () => {
		expect(iso(cronTicks("0 9 * * *", "Asia/Kolkata", at("2026-06-01T00:00:00Z"), 2))).toEqual(["2026-06-01T03:30:00.000Z", "2026-06-02T03:30:00.000Z"]);
		expect(iso(cronTicks("0 9 * * *", "America/New_York", at("2026-06-01T00:00:00Z"), 1))).toEqual(["2026-06-01T13:00:00.000Z"]);
	});

	it("keep the wall-clock time across a DST change (Europe/Berlin, 29 March 2026)", () => {
		expect(iso(cronTicks("0 9 * * *", "Europe/Berlin", at("2026-03-27T00:00:00Z"), 4))).toEqual([
			"2026-03-27T08:00:00.000Z",
			"2026-03-28T08:00:00.000Z",
			"2026-03-29T07:00:00.000Z",
			"2026-03-30T07:00:00.000Z"
		]);
		expect(iso(cronTicks("0 9 * * *", "Europe/Berlin", at("2026-10-24T00:00:00Z"), 3))).toEqual([
			"2026-10-24T07:00:00.000Z",
			"2026-10-25T08:00:00.000Z",
			"2026-10-26T08:00:00.000Z"
		]);
	});

	it("fire a wall-clock time skipped by DST once after the gap, and a repeated one once", () => {
		// America/New_York: 2026-03-08 02:00 → 03:00; 2026-11-01 02:00 → 01:00.
		expect(iso(cronTicks("30 2 * * *", "America/New_York", at("2026-03-07T12:00:00Z"), 2))).toEqual(["2026-03-08T07:30:00.000Z", "2026-03-09T06:30:00.000Z"]);
		expect(iso(cronTicks("30 1 * * *", "America/New_York", at("2026-10-31T12:00:00Z"), 2))).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
	});

	it("either day field suffices when both are restricted; only day-of-month decides when day-of-week is *", () => {
		// 2026-01-13 is a Tuesday; Fridays are the 2nd, 9th, 16th.
		expect(iso(cronTicks("0 0 13 * 5", "UTC", at("2026-01-01T00:00:00Z"), 4))).toEqual([
			"2026-01-02T00:00:00.000Z",
			"2026-01-09T00:00:00.000Z",
			"2026-01-13T00:00:00.000Z",
			"2026-01-16T00:00:00.000Z"
		]);
		expect(iso(cronTicks("0 0 13 * *", "UTC", at("2026-01-01T00:00:00Z"), 2))).toEqual(["2026-01-13T00:00:00.000Z", "2026-02-13T00:00:00.000Z"]);
		expect(iso(cronTicks("0 0 * * 5", "UTC", at("2026-01-01T00:00:00Z"), 2))).toEqual(["2026-01-02T00:00:00.000Z", "2026-01-09T00:00:00.000Z"]);
	});

	it("read 0 and 7 as Sunday, also inside ranges and steps", () => {
		const sundays = ["2026-01-04T00:00:00.000Z", "2026-01-11T00:00:00.000Z"];
		expect(iso(cronTicks("0 0 * * 0", "UTC", at("2026-01-01T00:00:00Z"), 2))).toEqual(sundays);
		expect(iso(cronTicks("0 0 * * 7", "UTC", at("2026-01-01T00:00:00Z"), 2))).toEqual(sundays);
		// 6-7 = Saturday and Sunday.
		expect(iso(cronTicks("0 0 * * 6-7", "UTC", at("2026-01-01T00:00:00Z"), 3))).toEqual(["2026-01-03T00:00:00.000Z", ...sundays.slice(0, 1), "2026-01-10T00:00:00.000Z"]);
	});

	it("find rare dates (29 February)", () => {
		expect(iso(cronTicks("0 12 29 2 *", "UTC", at("2026-01-01T00:00:00Z"), 2))).toEqual(["2028-02-29T12:00:00.000Z", "2032-02-29T12:00:00.000Z"]);
	});
});

describe("schedule timing", () => {
	const interval = { cron_expression: null, interval_seconds: 10, timezone: "UTC" };
	const cron = { cron_expression: "0 * * * *", interval_seconds: null, timezone: "UTC" };

	it("an interval schedule first fires interval_seconds after it starts counting", () => {
		expect(firstTick(interval, at("2026-01-01T00:00:00.250Z")).toISOString()).toBe("2026-01-01T00:00:10.250Z");
		expect(firstTick(cron, at("2026-01-01T00:00:00.250Z")).toISOString()).toBe("2026-01-01T01:00:00.000Z");
	});

	it("after a tick, intervals stay on their grid and skip the ticks already past", () => {
		const tick = at("2026-01-01T00:00:10.000Z");
		expect(nextFutureTick(interval, tick, at("2026-01-01T00:00:10.050Z")).toISOString()).toBe("2026-01-01T00:00:20.000Z");
		expect(nextFutureTick(interval, tick, at("2026-01-01T00:00:45.000Z")).toISOString()).toBe("2026-01-01T00:00:50.000Z");
		expect(nextFutureTick(interval, tick, at("2026-01-01T00:00:50.000Z")).toISOString()).toBe("2026-01-01T00:01:00.000Z");
		// A timer that fired early still moves to the tick after this one.
		expect(nextFutureTick(interval, tick, at("2026-01-01T00:00:09.990Z")).toISOString()).toBe("2026-01-01T00:00:20.000Z");
	});

	it("after a tick, cron schedules move to the first match after now", () => {
		expect(nextFutureTick(cron, at("2026-01-01T01:00:00Z"), at("2026-01-01T01:00:00.020Z")).toISOString()).toBe("2026-01-01T02:00:00.000Z");
		expect(nextFutureTick(cron, at("2026-01-01T01:00:00Z"), at("2026-01-01T05:30:00Z")).toISOString()).toBe("2026-01-01T06:00:00.000Z");
		expect(nextFutureTick(cron, at("2026-01-01T01:00:00Z"), at("2026-01-01T00:59:59.990Z")).toISOString()).toBe("2026-01-01T02:00:00.000Z");
	});

	it("previews the next ticks from now", () => {
		expect(iso(upcomingTicks(interval, at("2026-01-01T00:00:00Z"), 3))).toEqual(["2026-01-01T00:00:10.000Z", "2026-01-01T00:00:20.000Z", "2026-01-01T00:00:30.000Z"]);
		expect(iso(upcomingTicks(cron, at("2026-01-01T00:30:00Z"), 2))).toEqual(["2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z"]);
	});
});
