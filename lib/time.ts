export const nowIso = (): string => new Date().toISOString();

let lastSeq = 0;
/** Strictly increasing in this process (microsecond-like ticks): orders records created within one millisecond. */
export function creationSeq(): number {
	lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
	return lastSeq;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses an ISO-8601 date-time with `Z` or a numeric offset; null for anything else. */
export function parseIsoDateTime(value: unknown): Date | null {
	if (typeof value !== "string" || !ISO_DATE_TIME.test(value)) return null;
	const d = new Date(value);
	return Number.isNaN(d.getTime()) ? null : d;
}

export const toIso = (value: string): string => (parseIsoDateTime(value) as Date).toISOString();
