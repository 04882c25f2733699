import { cronTicks } from "./cron";

/** The fields that decide when a schedule fires. */
export interface Timing {
	cron_expression: string | null;
	interval_seconds: number | null;
	timezone: string;
}

/** A tick this late is a missed tick (platform down, node stalled): skipped, not fired (§7). */
export const LATE_TICK_GRACE_MS = 30_000;

/** The first tick of a schedule that starts counting at `from` (creation, re-enabling, a new timing). */
export function firstTick(timing: Timing, from: Date): Date {
	if (timing.cron_expression != null) return cronTicks(timing.cron_expression, timing.timezone, from, 1)[0];
	return new Date(from.getTime() + (timing.interval_seconds as number) * 1000);
}

/**
 * The first tick after `tick` that lies after `now`. Intervals stay on their grid (every
 * `interval_seconds` after the previous scheduled time), so ticks in between are skipped, not replayed.
 */
export function nextFutureTick(timing: Timing, tick: Date, now: Date): Date {
	if (timing.cron_expression != null) {
		const after = now.getTime() > tick.getTime() ? now : tick;
		return cronTicks(timing.cron_expression, timing.timezone, after, 1)[0];
	}
	const step = (timing.interval_seconds as number) * 1000;
	const behind = now.getTime() - tick.getTime();
	const steps = behind < 0 ? 1 : Math.floor(behind / step) + 1;
	return new Date(tick.getTime() + steps * step);
}

/** The next `count` ticks of a schedule with this timing if it started now (preview). */
export function upcomingTicks(timing: Timing, now: Date, count: number): Date[] {
	if (timing.cron_expression != null) return cronTicks(timing.cron_expression, timing.timezone, now, count);
	const step = (timing.interval_seconds as number) * 1000;
	return Array.from({ length: count }, (_, i) => new Date(now.getTime() + (i + 1) * step));
}
