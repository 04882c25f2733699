import { useState } from "preact/hooks";
import { get } from "../api";
import { Card, Chart, ErrorBox, useLoad, usd, type Point } from "../components";

const METRICS: [string, string, "bar" | "line"][] = [
	["runs", "Runs", "bar"],
	["completed_runs", "Completed runs", "bar"],
	["failed_runs", "Failed runs", "bar"],
	["cost", "Cost (USD)", "line"],
	["tokens", "Tokens", "bar"],
	["latency_avg", "Average latency (ms)", "line"],
	["latency_p95", "p95 latency (ms)", "line"],
	["error_rate", "Error rate", "line"]
];

const RANGES: [string, number, string][] = [
	["24 hours", 1, "hour"],
	["7 days", 7, "day"],
	["30 days", 30, "day"]
];

/** The overview: the analytics dashboard figures (§17 row 1) and a chart of one time series (row 2). */
export function AnalyticsPage() {
	const [metric, setMetric] = useState("runs");
	const [range, setRange] = useState(1);
	const [, days, interval] = RANGES.find(r => r[1] === range) ?? RANGES[1];
	const window = () => {
		const end = new Date();
		return { start: new Date(end.getTime() - days * 86_400_000).toISOString(), end: end.toISOString() };
	};
	const figures = useLoad(() => get("/analytics/dashboard", window()), [range], 10_000);
	const series = useLoad(() => get<{ points: Point[] }>("/analytics/timeseries", { metric, interval, ...window() }), [metric, range], 10_000);
	const [, label, kind] = METRICS.find(m => m[0] === metric)!;
	const d = figures.data;

	return (
		<>
			<h1>Overview</h1>
			<div class="filters">
				<label>
					Window
					<select value={String(range)} onChange={e => setRange(Number(e.currentTarget.value))} data-testid="analytics-range">
						{RANGES.map(([name, n]) => (
							<option value={String(n)}>last {name}</option>
						))}
					</select>
				</label>
			</div>
			<ErrorBox error={figures.error} />
			{d && (
				<div class="tiles" data-testid="analytics-tiles">
					<Tile label="Runs" value={d.total_runs} />
					<Tile label="Success rate" value={`${(d.success_rate * 100).toFixed(1)} %`} />
					<Tile label="Failed / blocked" value={`${d.failed_runs} / ${d.blocked_runs}`} />
					<Tile label="Cost" value={usd(d.total_cost_usd)} />
					<Tile label="Tokens" value={(d.tokens_input + d.tokens_output).toLocaleString()} />
					<Tile label="Latency avg / p95" value={`${Math.round(d.avg_latency_ms)} / ${Math.round(d.p95_latency_ms)} ms`} />
					<Tile label="Agents active / total" value={`${d.active_agents} / ${d.total_agents}`} />
					<Tile label="Pending approvals" value={d.pending_approvals} href="#/approvals" />
				</div>
			)}
			<Card
				title={label}
				actions={
					<select value={metric} onChange={e => setMetric(e.currentTarget.value)} data-testid="analytics-metric">
						{METRICS.map(([id, name]) => (
							<option value={id}>{name}</option>
						))}
					</select>
				}
			>
				<ErrorBox error={series.error} />
				{series.data && <Chart points={series.data.points} kind={kind} label={label} />}
			</Card>
		</>
	);
}

function Tile({ label, value, href }: { label: string; value: string | number; href?: string }) {
	const body = (
		<>
			<div class="tile-value">{value}</div>
			<div class="tile-label">{label}</div>
		</>
	);
	return href ? (
		<a class="tile" href={href}>
			{body}
		</a>
	) : (
		<div class="tile">{body}</div>
	);
}
