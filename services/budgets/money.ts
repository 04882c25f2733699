/** Counters are kept in integer micro-dollars (USD × 10⁶) so that sums are exact at 6 decimals (§0.5). */
const SCALE = 1_000_000;

/** Rounds half up to whole micro-dollars (a tiny epsilon absorbs binary error such as 0.0000005 × 10⁶ = 0.4999…). */
export const toMicros = (usd: number): number => Math.floor(usd * SCALE + 0.5 + 1e-7);

/** Rounds up to whole micro-dollars: a reservation never under-states the worst case. */
export const ceilMicros = (usd: number): number => Math.max(0, Math.ceil(usd * SCALE - 1e-7));

export const fromMicros = (micros: number): number => Math.round(micros) / SCALE;

/** The exact sum of USD amounts at 6 decimals. */
export const sumUsd = (amounts: number[]): number => fromMicros(amounts.reduce((sum, usd) => sum + toMicros(usd), 0));

/** Half up at 2 decimals; `toPrecision` first drops binary noise (1.005 × 100 = 100.49999…). */
export const round2 = (x: number): number => Math.round(Number((x * 100).toPrecision(12))) / 100;

export const round6 = (x: number): number => fromMicros(toMicros(x));
