import type { Context } from "moleculer";
import Validator from "fastest-validator";
import * as errors from "../../lib/errors";
import type { FieldProblem } from "../../lib/errors";
import { toFieldProblems, VALIDATION_MESSAGES } from "../../lib/validation";
import { nullProblems } from "../api/nulls";
import { checkGraph } from "./dag";
import { normalizeStep, STEPS_RULE, type WorkflowStep } from "./model";

const workflowInvalid = errors.custom(400, "WORKFLOW_INVALID");

const shapeChecker = new Validator({ messages: VALIDATION_MESSAGES, useNewCustomCheckerFunction: true } as any).compile({ steps: STEPS_RULE } as any);

/** Field problems of the steps' shapes, as a create would report them (validate endpoint, §21 row 11). */
export function shapeProblems(steps: unknown[]): FieldProblem[] {
	const result = shapeChecker({ steps });
	const problems = nullProblems({ steps }, { steps: STEPS_RULE });
	const named = new Set(problems.map(p => p.field));
	if (result !== true) for (const p of toFieldProblems(result)) if (!named.has(p.field)) problems.push(p);
	return problems;
}

/** `steps[i].agent_id` problems for agents that do not exist in the org. */
export async function missingAgents(ctx: Context, orgId: string, steps: unknown[]): Promise<FieldProblem[]> {
	const ids = [...new Set(steps.map(s => (s as any)?.agent_id).filter((id): id is string => typeof id === "string" && id.length > 0))];
	const exists = new Map<string, boolean>();
	await Promise.all(ids.map(async id => exists.set(id, (await ctx.call("agents.exists", { org_id: orgId, agent_id: id })) as boolean)));
	const problems: FieldProblem[] = [];
	steps.forEach((s, i) => {
		const id = (s as any)?.agent_id;
		if (typeof id === "string" && exists.get(id) === false) problems.push({ field: `steps[${i}].agent_id`, message: `agent ${id} not found` });
	});
	return problems;
}

/** Steps of a create or update, checked in the contract's order: graph (400 WORKFLOW_INVALID), then agents (404). */
export async function checkedSteps(ctx: Context, orgId: string, raw: Record<string, any>[]): Promise<WorkflowStep[]> {
	const steps = raw.map(normalizeStep);
	const { problems } = checkGraph(steps);
	if (problems.length) throw workflowInvalid(`The workflow graph is invalid: ${problems.map(p => `${p.field}: ${p.message}`).join("; ")}`, problems);
	const missing = await missingAgents(ctx, orgId, steps);
	if (missing.length) throw new errors.FluxError(404, "NOT_FOUND", missing.map(p => `${p.field}: ${p.message}`).join("; "), missing);
	return steps;
}

/** §21 row 11: every problem as an error, the parallel layers when there is none. */
export async function validateSteps(ctx: Context, orgId: string, steps: unknown[]) {
	const problems = shapeProblems(steps);
	const graph = checkGraph(steps as any[]);
	problems.push(...graph.problems, ...(await missingAgents(ctx, orgId, steps)));
	const valid = problems.length === 0;
	return { valid, errors: problems, levels: valid ? graph.levels : [] };
}

export const sameSteps = (a: WorkflowStep[], b: WorkflowStep[]) => JSON.stringify(a.map(normalizeStep)) === JSON.stringify(b.map(normalizeStep));
