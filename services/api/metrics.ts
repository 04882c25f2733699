import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { MetricReporters, type ServiceBroker } from "moleculer";

const REQUESTS = "fluxgate_http_requests_total";
const DURATION = "fluxgate_http_request_duration_seconds";
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One method and route: requests by status and the duration histogram (per-bucket counts, not cumulative). */
interface Series {
	labels: string;
	statuses: Map<number, number>;
	buckets: Float64Array;
	sum: number;
	count: number;
}

type Tracked = IncomingMessage & { $alias?: { fullPath: string }; $startedAt: number };

const escapeLabel = (value: string) => value.replace(/[\\"\n]/g, c => (c === "\n" ? "\\n" : `\\${c}`));

/** The route label of a request: its alias's path, never the URL itself (ids in paths are org data, §0.17). */
const routeOf = (req: Tracked) => (req.$alias ? req.$alias.fullPath : "unmatched");

/**
 * HTTP request metrics and the Prometheus text of every metric of this broker (§0.17 /metrics).
 * `fluxgate_http_requests_total` and `fluxgate_http_request_duration_seconds` are kept here as plain
 * counters per method and route (a few additions per request, no labels hashed, no objects made
 * once a route has been seen) and rendered next to the broker's own metrics.
 */
export class HttpMetrics {
	private readonly reporter: any;
	private readonly series = new Map<string, Map<string, Series>>();

	constructor(broker: ServiceBroker) {
		this.seriesOf("GET", "unmatched").statuses.set(404, 0);
		// The reporter is used only to render text; it never opens its own port.
		this.reporter = new (MetricReporters as any).Prometheus({ port: 0, defaultLabels: {} });
		this.reporter.registry = broker.metrics;
		this.reporter.broker = broker;
		this.reporter.logger = (broker.metrics as any).logger;
		this.reporter.defaultLabels = {};
	}

	/** The start of a request, for `record`. */
	static now(): number {
		return performance.now();
	}

	private seriesOf(method: string, route: string): Series {
		let routes = this.series.get(method);
		if (!routes) this.series.set(method, (routes = new Map()));
		let series = routes.get(route);
		if (!series) {
			series = { labels: `method="${escapeLabel(method)}",route="${escapeLabel(route)}"`, statuses: new Map(), buckets: new Float64Array(BUCKETS.length + 1), sum: 0, count: 0 };
			routes.set(route, series);
		}
		return series;
	}

	/** Counts one answered request. */
	record(method: string, route: string, status: number, startedAt: number): void {
		const seconds = (performance.now() - startedAt) / 1000;
		const series = this.seriesOf(method, route);
		series.statuses.set(status, (series.statuses.get(status) ?? 0) + 1);
		let i = 0;
		while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
		series.buckets[i] += 1;
		series.sum += seconds;
		series.count += 1;
	}

	/** Counts the request once its response has finished (for answers that are not sent at once). */
	track(req: Tracked, res: ServerResponse): void {
		res.once("finish", () => this.record(req.method ?? "GET", routeOf(req), res.statusCode, req.$startedAt));
	}

	/** Counts a request whose response has just been sent in full. */
	answered(req: Tracked, res: ServerResponse): void {
		this.record(req.method ?? "GET", routeOf(req), res.statusCode, req.$startedAt);
	}

	prometheusText(): string {
		const counter = [`# HELP ${REQUESTS} HTTP requests served`, `# TYPE ${REQUESTS} counter`];
		const histogram = [`# HELP ${DURATION} HTTP request duration`, `# TYPE ${DURATION} histogram`];
		for (const routes of this.series.values()) {
			for (const s of routes.values()) {
				for (const [status, n] of s.statuses) counter.push(`${REQUESTS}{${s.labels},status="${status}"} ${n}`);
				let cumulative = 0;
				BUCKETS.forEach((le, i) => {
					cumulative += s.buckets[i];
					histogram.push(`${DURATION}_bucket{${s.labels},le="${le}"} ${cumulative}`);
				});
				histogram.push(`${DURATION}_bucket{${s.labels},le="+Inf"} ${s.count}`, `${DURATION}_sum{${s.labels}} ${s.sum}`, `${DURATION}_count{${s.labels}} ${s.count}`);
			}
		}
		const broker: string = this.reporter.generatePrometheusResponse();
		return `${broker}${broker.endsWith("\n") || !broker ? "" : "\n"}\n${counter.join("\n")}\n\n${histogram.join("\n")}\n`;
	}
}
