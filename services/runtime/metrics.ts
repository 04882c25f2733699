import type { ServiceBroker } from "moleculer";
import { registerMetric } from "../../lib/metrics";
import type { RunDoc } from "./runs";

const RUNS_TOTAL = "fluxgate.runs.total";
const RUNS_QUEUED = "fluxgate.runs.queued";
const RUN_DURATION = "fluxgate.run.duration.seconds";
const TOKENS = "fluxgate.llm.tokens.total";
const COST = "fluxgate.llm.cost.usd.total";

/** Run metrics of §0.17, registered once per broker. */
export class RunMetrics {
	private queuedNow = 0;

	constructor(private readonly broker: ServiceBroker) {
		const statuses = ["completed", "failed", "cancelled", "blocked"].map(status => ({ status }));
		registerMetric(broker, { type: "counter", name: RUNS_TOTAL, labelNames: ["status"], description: "Runs that reached a terminal status" }, statuses);
		registerMetric(broker, { type: "gauge", name: RUNS_QUEUED, description: "Runs waiting in queued" });
		registerMetric(broker, { type: "histogram", name: RUN_DURATION, buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300], description: "Run duration" });
		registerMetric(broker, { type: "counter", name: TOKENS, labelNames: ["direction"], description: "LLM tokens" }, [{ direction: "input" }, { direction: "output" }]);
		registerMetric(broker, { type: "counter", name: COST, description: "LLM cost in USD" });
	}

	queued(delta: number): void {
		this.queuedNow = Math.max(0, this.queuedNow + delta);
		this.broker.metrics.set(RUNS_QUEUED, this.queuedNow);
	}

	finished(run: RunDoc): void {
		const m = this.broker.metrics;
		m.increment(RUNS_TOTAL, { status: run.status });
		m.observe(RUN_DURATION, run.latency_ms / 1000);
		if (run.tokens_input) m.increment(TOKENS, { direction: "input" }, run.tokens_input);
		if (run.tokens_output) m.increment(TOKENS, { direction: "output" }, run.tokens_output);
		if (run.cost_usd) m.increment(COST, undefined, run.cost_usd);
	}
}
