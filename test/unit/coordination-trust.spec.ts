import { actionOf, actionsAboveLevel, actionsAllowedAt, defaultActions, evaluate, type PolicyRule } from "../../services/coordination/trust";
import { levelProblems } from "../../services/coordination/model";

const policy = (fields: Partial<PolicyRule> = {}): PolicyRule => ({
	id: "tpol_1", source_agent_id: "agt_a", target_agent_id: "agt_b", trust_level: "full", allowed_actions: ["message", "delegate", "share_memory"], enabled: true, expires_at: null, ...fields
});

describe("trust rules (§6)", () => {
	it("each action needs its minimum level; full allows all three; none allows nothing", () => {
		expect(actionsAllowedAt("none")).toEqual([]);
		expect(actionsAllowedAt("low")).toEqual(["message"]);
		expect(actionsAllowedAt("medium")).toEqual(["message", "delegate"]);
		expect(actionsAllowedAt("high")).toEqual(["message", "delegate", "share_memory"]);
		expect(actionsAllowedAt("full")).toEqual(["message", "delegate", "share_memory"]);
		expect(actionsAboveLevel("low", ["message", "delegate"])).toEqual(["delegate"]);
		expect(actionsAboveLevel("none", ["message"])).toEqual(["message"]);
	});

	it("defaults: [] for none, else [message]", () => {
		expect(defaultActions("none")).toEqual([]);
		for (const level of ["low", "medium", "high", "full"] as const) expect(defaultActions(level)).toEqual(["message"]);
	});

	it("message types map to actions", () => {
		expect(["request", "response", "notify", "delegate"].map(actionOf)).toEqual(["message", "message", "message", "delegate"]);
	});

	it("evaluates existence, enabled, expiry, level and the allowed list", () => {
		const now = Date.parse("2026-06-01T00:00:00Z");
		expect(evaluate(null, "message", now)).toMatchObject({ allowed: false, policy_id: null, trust_level: null });
		expect(evaluate(policy(), "share_memory", now)).toMatchObject({ allowed: true, policy_id: "tpol_1", trust_level: "full" });
		expect(evaluate(policy({ enabled: false }), "message", now).allowed).toBe(false);
		expect(evaluate(policy({ expires_at: "2026-06-01T00:00:00.000Z" }), "message", now).allowed).toBe(false);
		expect(evaluate(policy({ expires_at: "2026-06-01T00:00:01.000Z" }), "message", now).allowed).toBe(true);
		expect(evaluate(policy({ allowed_actions: ["message"] }), "delegate", now).allowed).toBe(false);
		// A stored list above its level (never accepted by the API) still cannot lift the level's limit.
		expect(evaluate(policy({ trust_level: "low", allowed_actions: ["delegate"] }), "delegate", now).allowed).toBe(false);
		expect(evaluate(policy({ trust_level: "none", allowed_actions: [] }), "message", now).allowed).toBe(false);
	});

	it("reports allowed_actions above the level, and leaves unknown actions to the enum rule", () => {
		expect(levelProblems("low", ["message", "delegate"])).toEqual([{ field: "allowed_actions", message: "delegate needs a higher trust level than low" }]);
		expect(levelProblems("none", ["message"])).toEqual([{ field: "allowed_actions", message: "must be empty for trust level none" }]);
		expect(levelProblems("high", ["share_memory", "fly"])).toEqual([]);
		expect(levelProblems("bogus", ["message"])).toEqual([]);
	});
});
