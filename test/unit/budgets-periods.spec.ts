import { ceilMicros, fromMicros, round2, toMicros } from "../../services/budgets/money";
import { currentPeriod, nextPeriodStart, periodStart } from "../../services/budgets/periods";

const at = (iso: string) => new Date(iso);

describe("budget periods (UTC)", () => {
	it("daily periods start at 00:00Z and reset at the next midnight", () => {
		expect(currentPeriod("daily", at("2025-03-09T23:59:59.999Z"))).toEqual({ start: "2025-03-09T00:00:00.000Z", end: "2025-03-10T00:00:00.000Z" });
		expect(currentPeriod("daily", at("2025-03-10T00:00:00.000Z"))).toEqual({ start: "2025-03-10T00:00:00.000Z", end: "2025-03-11T00:00:00.000Z" });
		// An offset input is the same instant: 01:30+02:00 is still the previous UTC day.
		expect(periodStart("daily", at("2025-03-10T01:30:00+02:00")).toISOString()).toBe("2025-03-09T00:00:00.000Z");
	});

	it("weekly periods start on Monday 00:00Z", () => {
		// 2025-03-10 is a Monday.
		expect(currentPeriod("weekly", at("2025-03-10T00:00:00.000Z"))).toEqual({ start: "2025-03-10T00:00:00.000Z", end: "2025-03-17T00:00:00.000Z" });
		expect(currentPeriod("weekly", at("2025-03-16T23:59:59.999Z")).start).toBe("2025-03-10T00:00:00.000Z");
		expect(currentPeriod("weekly", at("2025-03-09T12:00:00.000Z")).start).toBe("2025-03-03T00:00:00.000Z");
		// A week across a month and a year boundary.
		expect(currentPeriod("weekly", at("2025-01-01T08:00:00.000Z"))).toEqual({ start: "2024-12-30T00:00:00.000Z", end: "2025-01-06T00:00:00.000Z" });
	});

	it("monthly periods start on the 1st 00:00Z, whatever the month's length", () => {
		expect(currentPeriod("monthly", at("2024-02-29T23:00:00.000Z"))).toEqual({ start: "2024-02-01T00:00:00.000Z", end: "2024-03-01T00:00:00.000Z" });
		expect(currentPeriod("monthly", at("2025-12-31T23:59:59.999Z"))).toEqual({ start: "2025-12-01T00:00:00.000Z", end: "2026-01-01T00:00:00.000Z" });
		expect(currentPeriod("monthly", at("2025-01-01T00:00:00.000Z")).start).toBe("2025-01-01T00:00:00.000Z");
		expect(nextPeriodStart("monthly", at("2025-01-01T00:00:00.000Z")).toISOString()).toBe("2025-02-01T00:00:00.000Z");
	});

	it("the period containing the reset instant is the next one", () => {
		for (const period of ["daily", "weekly", "monthly"] as const) {
			const { end } = currentPeriod(period, at("2025-05-20T10:00:00.000Z"));
			expect(currentPeriod(period, at(end)).start).toBe(end);
			expect(currentPeriod(period, new Date(Date.parse(end) - 1)).end).toBe(end);
		}
	});
});

describe("budget money", () => {
	it("counts in whole micro-dollars, rounding half up", () => {
		expect(toMicros(0.0000005)).toBe(1);
		expect(toMicros(0.0000004)).toBe(0);
		expect(toMicros(0.1 + 0.2)).toBe(300000);
		expect(fromMicros(toMicros(0.000001) * 3)).toBe(0.000003);
	});

	it("reservations round up so they never under-state the worst case", () => {
		expect(ceilMicros(0.0000011)).toBe(2);
		expect(ceilMicros(0.003)).toBe(3000);
		expect(ceilMicros(0)).toBe(0);
	});

	it("percentages round half up to 2 decimals", () => {
		expect(round2(13.875)).toBe(13.88);
		expect(round2(1.005)).toBe(1.01);
		expect(round2((0.0417 / 0.3) * 100)).toBe(13.9);
		expect(round2(100)).toBe(100);
	});
});
