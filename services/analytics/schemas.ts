import { enumOf, INTEGER, NUMBER, nullable, objectSchema, STRING, TIMESTAMP } from "../../lib/openapi-schema";
import { METRICS, TOP_BY, TRIGGERS } from "./reports";

const items = (properties: Record<string, unknown>) => objectSchema({ items: { type: "array", items: objectSchema(properties) } });

/** OpenAPI schemas of the report objects of §17. */
export const ANALYTICS_SCHEMAS = {
	AnalyticsDashboard: objectSchema({
		period_start: TIMESTAMP,
		period_end: TIMESTAMP,
		total_agents: INTEGER,
		active_agents: INTEGER,
		total_runs: INTEGER,
		completed_runs: INTEGER,
		failed_runs: INTEGER,
		blocked_runs: INTEGER,
		cancelled_runs: INTEGER,
		success_rate: NUMBER,
		tokens_input: INTEGER,
		tokens_output: INTEGER,
		total_cost_usd: NUMBER,
		total_savings_usd: NUMBER,
		avg_latency_ms: INTEGER,
		p95_latency_ms: INTEGER,
		pending_approvals: INTEGER
	}),
	AnalyticsTimeseries: objectSchema({
		metric: enumOf(METRICS),
		interval: enumOf(["hour", "day"]),
		start: TIMESTAMP,
		end: TIMESTAMP,
		points: { type: "array", items: objectSchema({ timestamp: TIMESTAMP, value: nullable("number") }) }
	}),
	AgentAnalytics: objectSchema({
		agent_id: STRING,
		period_start: TIMESTAMP,
		period_end: TIMESTAMP,
		runs: INTEGER,
		completed: INTEGER,
		failed: INTEGER,
		blocked: INTEGER,
		cancelled: INTEGER,
		success_rate: NUMBER,
		avg_latency_ms: INTEGER,
		p95_latency_ms: INTEGER,
		tokens_input: INTEGER,
		tokens_output: INTEGER,
		cost_usd: NUMBER,
		tool_calls: INTEGER,
		avg_quality_score: nullable("number"),
		by_trigger: objectSchema(Object.fromEntries(TRIGGERS.map(t => [t, INTEGER])))
	}),
	AnalyticsTopAgents: objectSchema({
		by: enumOf(TOP_BY),
		items: { type: "array", items: objectSchema({ agent_id: STRING, agent_name: nullable("string"), value: NUMBER }) }
	}),
	AnalyticsModels: items({
		model: STRING,
		provider: nullable("string"),
		calls: INTEGER,
		tokens_input: INTEGER,
		tokens_output: INTEGER,
		cost_usd: NUMBER,
		avg_latency_ms: INTEGER,
		error_rate: NUMBER
	}),
	AnalyticsTools: items({
		tool_id: nullable("string"),
		tool_name: STRING,
		calls: INTEGER,
		errors: INTEGER,
		error_rate: NUMBER,
		denied: INTEGER,
		approvals_requested: INTEGER,
		avg_latency_ms: INTEGER
	})
};
