import { acceptedIncrements, finishedIncrements, LATENCY_BOUNDS, latencyBucket, newRollup, quantile, readRanges, sumRollups } from "../../services/analytics/rollups";
import { bucketStarts, reportWindow, timeseries } from "../../services/analytics/reports";

const run = (fields: Record<string, unknown> = {}) => ({
	id: "run_1", org_id: "org_1", agent_id: "agt_1", mode: "production", model: "mock-echo", trigger: "api", status: "completed",
	created_at: "2026-03-04T05:06:07.000Z", tokens_input: 10, tokens_output: 5, cost_usd: 0.1234567, savings_usd: 0, latency_ms: 420, error: null, ...fields
});

describe("analytics rollups", () => {
	test("latency buckets: 0–10 ms first, each bound 25% above the last, an open last bucket", () => {
		expect(LATENCY_BOUNDS.slice(0, 4)).toEqual([10, 13, 17, 22]);
		expect(latencyBucket(0)).toBe(0);
		expect(latencyBucket(10)).toBe(0);
		expect(latencyBucket(11)).toBe(1);
		expect(latencyBucket(10_000_000)).toBe(LATENCY_BOUNDS.length);
		for (let i = 1; i < LATENCY_BOUNDS.length; i++) expect(LATENCY_BOUNDS[i] / LATENCY_BOUNDS[i - 1]).toBeLessThanOrEqual(LATENCY_BOUNDS[i] > 100 ? 1.26 : 1.31);
		expect(LATENCY_BOUNDS[LATENCY_BOUNDS.length - 1]).toBeGreaterThanOrEqual(3_600_000);
	});

	test("p95 from the histogram stays within 25% of the exact nearest-rank p95", () => {
		let seed = 7;
		const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
		for (let trial = 0; trial < 20; trial++) {
			const latencies = Array.from({ length: 200 + trial * 50 }, () => Math.round(20 + random() ** 3 * 20_000));
			const histogram: Record<string, number> = {};
			for (const l of latencies) histogram[latencyBucket(l)] = (histogram[latencyBucket(l)] ?? 0) + 1;
			const exact = [...latencies].sort((a, b) => a - b)[Math.ceil(0.95 * latencies.length) - 1];
			const estimate = quantile(histogram, 0.95) as number;
			expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.25);
		}
		expect(quantile({}, 0.95)).toBeNull();
	});

	test("a run adds its counters to the hour of its creation; cost is kept in micro-USD", () => {
		const steps = [
			{ type: "llm_call", name: "mock-echo", model: "mock-echo", status: "completed", input: { provider: "mock" }, tokens_input: 10, tokens_output: 5, cost_usd: 0.1234567, latency_ms: 30 },
			{ type: "tool_call", name: "t", tool_id: "tool_1", status: "denied", latency_ms: 0 },
			{ type: "approval", name: "t", status: "completed" }
		];
		const docs = [...acceptedIncrements(run()), ...finishedIncrements(run(), steps)].map(i => newRollup(i, "now"));
		const runDocs = docs.filter(d => d.kind === "run" && d.span === "hour");
		expect(new Set(runDocs.map(d => d.id)).size).toBe(1);
		expect(runDocs[0].hour).toBe("2026-03-04T05:00:00.000Z");
		const dayDocs = docs.filter(d => d.kind === "run" && d.span === "day");
		expect(dayDocs.map(d => d.hour)).toEqual(["2026-03-04T00:00:00.000Z", "2026-03-04T00:00:00.000Z"]);
		expect(sumRollups(dayDocs).n).toEqual(sumRollups(runDocs).n);
		const totals = sumRollups(runDocs);
		expect(totals.n).toMatchObject({ runs: 1, completed: 1, tokens_input: 10, cost_micros: 123457, latency_count: 1, latency_sum: 420, tool_calls: 1 });
		expect(totals.t).toEqual({ api: 1 });
		expect(docs.find(d => d.kind === "tool" && d.span === "hour")).toMatchObject({ key: "tool_1", label: "t", n: { calls: 1, denied: 1, approvals: 1 } });
		expect(docs.find(d => d.kind === "model" && d.span === "hour")).toMatchObject({ key: "mock-echo", label: "mock", n: { calls: 1, cost_micros: 123457 } });
		// Blocked runs never ran: no latency sample.
		expect(sumRollups(finishedIncrements(run({ status: "blocked", latency_ms: 0 }), []).map(i => newRollup(i, "now")).filter(d => d.span === "hour")).n.latency_count).toBeUndefined();
	});

	test("a window reads day documents for its whole days and hour documents at its edges", () => {
		expect(readRanges("2026-01-01T05:30:00.000Z", "2026-01-04T02:10:00.000Z")).toEqual([
			{ span: "day", from: "2026-01-02T00:00:00.000Z", to: "2026-01-04T00:00:00.000Z" },
			{ span: "hour", from: "2026-01-01T05:00:00.000Z", to: "2026-01-02T00:00:00.000Z" },
			{ span: "hour", from: "2026-01-04T00:00:00.000Z", to: "2026-01-04T03:00:00.000Z" }
		]);
		expect(readRanges("2026-01-01T00:00:00.000Z", "2026-01-03T00:00:00.000Z")).toEqual([{ span: "day", from: "2026-01-01T00:00:00.000Z", to: "2026-01-03T00:00:00.000Z" }]);
		expect(readRanges("2026-01-01T05:30:00.000Z", "2026-01-01T23:10:00.000Z")).toEqual([{ span: "hour", from: "2026-01-01T05:00:00.000Z", to: "2026-01-02T00:00:00.000Z" }]);
	});

	test("windows and buckets", () => {
		expect(() => reportWindow({ start: "2026-01-02T00:00:00Z", end: "2026-01-01T00:00:00Z" })).toThrow("must be before end");
		const w = reportWindow({}, new Date("2026-01-08T00:00:00Z"));
		expect(w).toEqual({ start: "2026-01-01T00:00:00.000Z", end: "2026-01-08T00:00:00.000Z" });
		expect(bucketStarts("hour", "2026-01-01T00:30:00.000Z", "2026-01-01T02:00:00.000Z")).toEqual(["2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z"]);
		expect(bucketStarts("day", "2026-01-01T12:00:00.000Z", "2026-01-03T00:00:01.000Z")).toHaveLength(3);
		expect(() => bucketStarts("hour", "2026-01-01T00:00:00.000Z", "2026-02-12T16:00:01.000Z")).toThrow();
		const series = timeseries("latency_p95", "hour", "2026-03-04T04:00:00.000Z", "2026-03-04T06:30:00.000Z", finishedIncrements(run(), []).map(i => newRollup(i, "now")).filter(d => d.span === "hour"));
		expect(series.points.map(p => p.value)).toEqual([null, expect.any(Number), null]);
	});
});
