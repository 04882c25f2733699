import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api";

/** Loads data, reloads on demand or every `pollMs`; keeps the last good value while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number) {
	const [data, setData] = useState<T | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [loading, setLoading] = useState(true);
	const current = useRef(load);
	current.current = load;
	const reload = useCallback(async () => {
		setLoading(true);
		try {
			setData(await current.current());
			setError(null);
		} catch (err) {
			setError(err);
		} finally {
			setLoading(false);
		}
	}, []);
	useEffect(() => {
		void reload();
		if (!pollMs) return;
		const timer = setInterval(() => void reload(), pollMs);
		return () => clearInterval(timer);
	}, deps);
	return { data, error, loading, reload, setData };
}

/** Runs an action and keeps its error for display; `busy` while it runs. */
export function useAction() {
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
		setBusy(true);
		setError(null);
		try {
			return await action();
		} catch (err) {
			setError(err);
			return undefined;
		} finally {
			setBusy(false);
		}
	}, []);
	return { error, busy, run, setError };
}

/** The contract's error body: code, message, field problems and the request id to quote. */
export function ErrorBox({ error }: { error: unknown }) {
	if (!error) return null;
	if (error instanceof ApiError) {
		const fields = Array.isArray(error.details) ? (error.details as { field?: string; message?: string }[]).filter(d => d && d.field) : [];
		return (
			<div class="error" role="alert" data-testid="error">
				<strong>{error.code}</strong> {error.message}
				{fields.length > 0 && (
					<ul>
						{fields.map(f => (
							<li>
								<code>{f.field}</code>: {f.message}
							</li>
						))}
					</ul>
				)}
				{error.requestId && <div class="muted">request id {error.requestId}</div>}
			</div>
		);
	}
	return (
		<div class="error" role="alert" data-testid="error">
			{error instanceof Error ? error.message : String(error)}
		</div>
	);
}

export function Badge({ value }: { value: string | null | undefined }) {
	return <span class={`badge badge-${value ?? "none"}`}>{value ?? "—"}</span>;
}

export function Card({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
	return (
		<section class="card">
			<header>
				<h2>{title}</h2>
				{actions && <div class="actions">{actions}</div>}
			</header>
			{children}
		</section>
	);
}

export function Empty({ children }: { children: ComponentChildren }) {
	return <p class="muted empty">{children}</p>;
}

/** Items as a table under its header row, a line saying there are none, or nothing while they load. */
export function Table<T>({ items, empty, testId, headers, row }: { items: T[] | undefined; empty: string; testId?: string; headers: string[]; row: (item: T) => ComponentChildren }) {
	if (!items) return null;
	if (!items.length) return <Empty>{empty}</Empty>;
	return (
		<table data-testid={testId}>
			<thead>
				<tr>
					{headers.map(h => (h ? <th>{h}</th> : <th />))}
				</tr>
			</thead>
			<tbody>{items.map(row)}</tbody>
		</table>
	);
}

export const time = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : "—");
export const usd = (n: number | null | undefined) => (n === null || n === undefined ? "—" : `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)}`);
export const short = (id: string) => (id.length > 14 ? `${id.slice(0, 12)}…` : id);

/** A horizontal bar: used / limit, with the alert threshold marked. */
export function UsageBar({ percentage, threshold }: { percentage: number; threshold?: number }) {
	const width = Math.max(0, Math.min(100, percentage));
	const level = percentage >= 100 ? "over" : threshold !== undefined && percentage >= threshold * 100 ? "warn" : "ok";
	return (
		<div class="bar" title={`${percentage.toFixed(2)} %`}>
			<div class={`bar-fill bar-${level}`} style={{ width: `${width}%` }} />
			{threshold !== undefined && <div class="bar-mark" style={{ left: `${Math.min(100, threshold * 100)}%` }} />}
		</div>
	);
}

export interface Point {
	timestamp: string;
	value: number | null;
}

/** An SVG chart of a time series: bars for counts, a line for the others; `null` values leave gaps. */
export function Chart({ points, kind, label }: { points: Point[]; kind: "bar" | "line"; label: string }) {
	const width = 720;
	const height = 220;
	const pad = { left: 56, right: 12, top: 12, bottom: 28 };
	const values = points.map(p => p.value ?? 0);
	const max = Math.max(...values, 0) || 1;
	const innerW = width - pad.left - pad.right;
	const innerH = height - pad.top - pad.bottom;
	const step = points.length ? innerW / points.length : innerW;
	const x = (i: number) => pad.left + i * step + step / 2;
	const y = (v: number) => pad.top + innerH - (v / max) * innerH;
	const ticks = [0, 0.25, 0.5, 0.75, 1].map(f => f * max);
	const labelEvery = Math.max(1, Math.ceil(points.length / 8));
	const segments: string[] = [];
	let open = false;
	points.forEach((p, i) => {
		if (p.value === null) return void (open = false);
		segments.push(`${open ? "L" : "M"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
		open = true;
	});
	const fmt = (v: number) => (max < 1 ? v.toFixed(4) : max < 10 ? v.toFixed(1) : Math.round(v).toString());
	return (
		<svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-testid="chart">
			{ticks.map(t => (
				<g>
					<line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} class="grid" />
					<text x={pad.left - 6} y={y(t) + 4} text-anchor="end" class="axis">
						{fmt(t)}
					</text>
				</g>
			))}
			{kind === "bar"
				? points.map((p, i) => (
						<rect class="series-bar" x={x(i) - step * 0.35} width={step * 0.7} y={y(p.value ?? 0)} height={innerH + pad.top - y(p.value ?? 0)} data-testid="chart-bar">
							<title>{`${new Date(p.timestamp).toLocaleString()}: ${p.value ?? "—"}`}</title>
						</rect>
					))
				: [
						<path class="series-line" d={segments.join(" ")} />,
						...points.map((p, i) =>
							p.value === null ? null : (
								<circle class="series-dot" cx={x(i)} cy={y(p.value)} r={2.5}>
									<title>{`${new Date(p.timestamp).toLocaleString()}: ${p.value}`}</title>
								</circle>
							)
						)
					]}
			{points.map((p, i) =>
				i % labelEvery === 0 ? (
					<text x={x(i)} y={height - 8} text-anchor="middle" class="axis">
						{new Date(p.timestamp).toLocaleDateString(undefined, { month: "short", day: "numeric" })}
						{points.length > 1 && new Date(points[1].timestamp).getTime() - new Date(points[0].timestamp).getTime() < 86_400_000
							? ` ${new Date(p.timestamp).getHours()}h`
							: ""}
					</text>
				) : null
			)}
		</svg>
	);
}
