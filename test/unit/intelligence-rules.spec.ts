import { judgeHour, metricOf, severityOf, type AgentHour } from "../../services/intelligence/detection";
import { heuristicScores, judgeMessages, latestPerRun, parseJudgeAnswer } from "../../services/intelligence/scoring";
import { parseControls } from "../../services/providers/adapters/mock";

const hour = (fields: Partial<AgentHour>): AgentHour => ({
	org_id: "o", agent_id: "a", hour: "h", runs: 1, completed: 1, failed: 0, blocked: 0, cancelled: 0, cost_usd: 0, tokens: 0, tokens_input: 0, latency_count: 1, latency_sum: 100, errors_by_code: {}, ...fields
});

describe("intelligence rules", () => {
	test("heuristic: relevance over distinct lower-cased words of 3+ characters, helpfulness over 20 words", () => {
		const s = heuristicScores("The cat, the CAT and a dog?", "A cat sat", 0, 0);
		// input words ≥ 3: the, cat, and, dog → cat appears → 0.25; 3 output words → 0.15.
		expect(s.dimensions).toEqual({ relevance: 0.25, accuracy: 1, safety: 1, helpfulness: 0.15 });
		expect(s.score).toBe(0.6);
		expect(heuristicScores("hi", "", 2, 1).dimensions).toEqual({ relevance: 1, accuracy: 0.5, safety: 0, helpfulness: 0 });
	});

	test("judge: the mock's echo of the prompt parses to the reference; the last valid object wins", () => {
		const reference = { relevance: 0.5, accuracy: 1, safety: 1, helpfulness: 0.25 };
		const messages = judgeMessages('ask {"relevance": 0, "accuracy": 0, "safety": 0, "helpfulness": 0}', "answer", reference);
		const echoed = parseControls(messages[1].content).text;
		expect(parseJudgeAnswer(echoed)?.dimensions).toEqual(reference);
		expect(parseJudgeAnswer('{"relevance": 2, "accuracy": 1, "safety": 1, "helpfulness": 1}')).toBeNull();
		expect(parseJudgeAnswer("no json")).toBeNull();
	});

	test("latest evaluation per run", () => {
		const e = (id: string, run_id: string, created_at: string) => ({ id, run_id, created_at }) as any;
		expect(latestPerRun([e("1", "r", "2026-01-01"), e("2", "r", "2026-01-02"), e("3", "s", "2026-01-01")]).map(x => x.id).sort()).toEqual(["2", "3"]);
	});

	test("anomaly judgement: mean + 3σ over the baseline, at least 10 runs, σ floors", () => {
		const baseline = Array.from({ length: 168 }, (_, i) => hour({ cost_usd: i % 2 ? 0.01 : 0.03 }));
		expect(judgeHour("cost", hour({ runs: 10, cost_usd: 0.055 }), baseline)).toEqual({ anomalous: true, observed: 0.055, expected: 0.02, deviation: 3.5 });
		expect(judgeHour("cost", hour({ runs: 9, cost_usd: 0.055 }), baseline)?.anomalous).toBe(false);
		expect(judgeHour("cost", hour({ runs: 10, cost_usd: 0.049 }), baseline)?.anomalous).toBe(false);
		// A flat history: σ is taken as 5% of the mean.
		const flat = Array.from({ length: 24 }, () => hour({ latency_sum: 200 }));
		expect(judgeHour("latency", hour({ runs: 10, latency_count: 10, latency_sum: 2400 }), flat)).toEqual({ anomalous: true, observed: 240, expected: 200, deviation: 4 });
		expect(judgeHour("latency", hour({ runs: 10, latency_count: 10, latency_sum: 2300 }), flat)?.anomalous).toBe(false);
		expect(judgeHour("latency", undefined, flat)).toBeNull();
		expect(judgeHour("latency", hour({}), [hour({}), undefined])).toBeNull();
		expect(metricOf("error_rate", hour({ completed: 3, failed: 1 }))).toBe(0.25);
		expect(metricOf("cost", undefined)).toBe(0);
		expect([severityOf(3.5), severityOf(4), severityOf(5.99), severityOf(6)]).toEqual(["low", "medium", "medium", "high"]);
	});
});
