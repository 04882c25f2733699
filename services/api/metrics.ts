import type { IncomingMessage, ServerResponse } from "node:http";
import { MetricReporters, type ServiceBroker } from "moleculer";
import { registerMetric } from "../../lib/metrics";

const REQUESTS = "fluxgate.http.requests.total";
const DURATION = "fluxgate.http.request.duration.seconds";

/** HTTP request metrics and the Prometheus text of every metric of this broker (§0.17 /metrics). */
export class HttpMetrics {
	private readonly reporter: any;

	constructor(private readonly broker: ServiceBroker) {
		const metrics = broker.metrics;
		registerMetric(broker, { type: "counter", name: REQUESTS, labelNames: ["method", "route", "status"], description: "HTTP requests served" }, [
			{ method: "GET", route: "unmatched", status: "404" }
		]);
		registerMetric(
			broker,
			{
				type: "histogram",
				name: DURATION,
				labelNames: ["method", "route"],
				buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
				description: "HTTP request duration"
			},
			[{ method: "GET", route: "unmatched" }]
		);
		// The reporter is used only to render text; it never opens its own port.
		this.reporter = new (MetricReporters as any).Prometheus({ port: 0, defaultLabels: {} });
		this.reporter.registry = metrics;
		this.reporter.broker = broker;
		this.reporter.logger = (metrics as any).logger;
		this.reporter.defaultLabels = {};
	}

	track(req: IncomingMessage & { $alias?: any; $startedAt: bigint }, res: ServerResponse): void {
		res.once("finish", () => {
			const route = req.$alias ? `${req.$alias.fullPath}` : res.statusCode === 404 ? "unmatched" : (req.url ?? "").split("?")[0];
			const seconds = Number(process.hrtime.bigint() - req.$startedAt) / 1e9;
			const method = req.method ?? "GET";
			this.broker.metrics.increment(REQUESTS, { method, route, status: String(res.statusCode) });
			this.broker.metrics.observe(DURATION, seconds, { method, route });
		});
	}

	prometheusText(): string {
		return this.reporter.generatePrometheusResponse();
	}
}
