export const PERIODS = ["daily", "weekly", "monthly"] as const;
export type Period = (typeof PERIODS)[number];

const DAY_MS = 86_400_000;

/** Start of the UTC period containing `at`: 00:00 of the day, Monday 00:00 of the week, or the 1st 00:00 of the month. */
export function periodStart(period: Period, at: Date): Date {
	const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
	if (period === "daily") return new Date(day);
	if (period === "weekly") return new Date(day - ((at.getUTCDay() + 6) % 7) * DAY_MS);
	return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** Start of the period after the one that starts at `start` (= `resets_at`). */
export function nextPeriodStart(period: Period, start: Date): Date {
	if (period === "daily") return new Date(start.getTime() + DAY_MS);
	if (period === "weekly") return new Date(start.getTime() + 7 * DAY_MS);
	return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** The current period of `period` at `now`, as ISO strings. */
export function currentPeriod(period: Period, now: Date = new Date()): { start: string; end: string } {
	const start = periodStart(period, now);
	return { start: start.toISOString(), end: nextPeriodStart(period, start).toISOString() };
}
