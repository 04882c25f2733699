/** Billing periods are calendar months in UTC (§24). */
export interface Month {
	/** `YYYY-MM` */
	key: string;
	start: string;
	end: string;
}

export const PERIOD_PATTERN = "^\\d{4}-(0[1-9]|1[0-2])$";

export function monthOf(date: Date): Month {
	const start = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
	const end = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
	return { key: start.toISOString().slice(0, 7), start: start.toISOString(), end: end.toISOString() };
}

/** The month a `YYYY-MM` names (already validated against PERIOD_PATTERN), or the current one. */
export function monthNamed(key: string | undefined, now = new Date()): Month {
	if (!key) return monthOf(now);
	const [year, month] = key.split("-").map(Number);
	return monthOf(new Date(Date.UTC(year, month - 1, 1)));
}
