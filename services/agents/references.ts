import type { Context, ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { FluxError, fieldError, type FieldProblem } from "../../lib/errors";

/** Models accepted while no providers module runs: the mock models and the built-in catalogue (§27). */
export const FALLBACK_MODELS = new Set([
	"mock-echo",
	"mock-tools",
	"gpt-4o",
	"gpt-4o-mini",
	"gpt-4.1",
	"gpt-4.1-mini",
	"o3-mini",
	"text-embedding-3-small",
	"text-embedding-3-large",
	"claude-3-5-sonnet-latest",
	"claude-3-5-haiku-latest",
	"claude-3-7-sonnet-latest",
	"gemini-1.5-pro",
	"gemini-1.5-flash",
	"gemini-2.0-flash",
	"text-embedding-004"
]);

/** 400 when the model is not in the org's catalogue. */
export async function checkModel(broker: ServiceBroker, ctx: Context, orgId: string, model: string): Promise<void> {
	const exists = await callIfPresent<boolean>(broker, "providers.modelExists", { org_id: orgId, model }, FALLBACK_MODELS.has(model), ctx);
	if (!exists) throw fieldError("model", `unknown model ${model}: pick one from GET /api/v1/providers/models`);
}

export interface References {
	tools?: string[];
	knowledge_collection_ids?: string[];
	prompt_id?: string | null;
	prompt_version?: number | null;
}

/** Problems with tool ids that do not exist in the org, indexed like the request field. */
export async function missingTools(broker: ServiceBroker, ctx: Context, orgId: string, toolIds: string[], field: string): Promise<FieldProblem[]> {
	if (!toolIds.length) return [];
	const found = await callIfPresent<{ id: string }[]>(broker, "tools.describe", { org_id: orgId, tool_ids: toolIds }, [], ctx);
	const ids = new Set((found ?? []).map(t => t.id));
	return toolIds.flatMap((id, i) => (ids.has(id) ? [] : [{ field: `${field}[${i}]`, message: `tool ${id} not found` }]));
}

/** 404 NOT_FOUND listing every referenced tool, collection or prompt that does not exist for this org. */
export async function checkReferences(broker: ServiceBroker, ctx: Context, orgId: string, refs: References): Promise<void> {
	const problems: FieldProblem[] = [];
	if (refs.tools) problems.push(...(await missingTools(broker, ctx, orgId, refs.tools, "tools")));
	if (refs.knowledge_collection_ids) {
		for (const [i, id] of refs.knowledge_collection_ids.entries()) {
			const exists = await callIfPresent<boolean>(broker, "knowledge.exists", { org_id: orgId, collection_id: id }, false, ctx);
			if (!exists) problems.push({ field: `knowledge_collection_ids[${i}]`, message: `collection ${id} not found` });
		}
	}
	if (refs.prompt_id) {
		const params = { org_id: orgId, prompt_id: refs.prompt_id, version: refs.prompt_version ?? null };
		const exists = await callIfPresent<boolean>(broker, "prompts.exists", params, false, ctx);
		if (!exists) {
			const pinned = refs.prompt_version != null;
			problems.push({
				field: pinned ? "prompt_version" : "prompt_id",
				message: pinned ? `prompt ${refs.prompt_id} has no version ${refs.prompt_version}` : `prompt ${refs.prompt_id} not found`
			});
		}
	}
	if (problems.length) throw notFoundReferences(problems);
}

export function notFoundReferences(problems: FieldProblem[]): FluxError {
	return new FluxError(404, "NOT_FOUND", problems.map(p => `${p.field}: ${p.message}`).join("; "), problems);
}
