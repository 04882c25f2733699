import type { ServiceBroker } from "moleculer";

/**
 * Registers a metric once per broker and gives it zero-valued series for the label sets it will
 * have, so /metrics lists it from the start (Prometheus reporters skip metrics with no series).
 */
export function registerMetric(broker: ServiceBroker, definition: Record<string, any>, seeds: Record<string, string>[] = [{}]): void {
	const metrics = broker.metrics as any;
	if (metrics.getMetric(definition.name)) return;
	const metric = metrics.register(definition);
	if (!metric) return;
	for (const labels of seeds) {
		if (definition.type === "histogram") {
			const hash = metric.hashingLabels(labels);
			if (!metric.values.has(hash)) metric.values.set(hash, metric.resetItem({ labels }, null));
		} else if (definition.type === "gauge") metrics.set(definition.name, 0, labels);
		else metrics.increment(definition.name, labels, 0);
	}
}
