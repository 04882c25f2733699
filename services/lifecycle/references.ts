import type { Context, ServiceBroker } from "moleculer";
import type { AgentConfig } from "../agents/model";

const available = (broker: ServiceBroker, action: string) => (broker.registry as any).actions.isAvailable(action) as boolean;

/**
 * The configuration of an older version without the references that no longer exist (deleted tools,
 * knowledge collections, prompts). A module that is not deployed right now is not asked: its
 * references are kept rather than dropped on a guess.
 */
export async function withoutMissingReferences(broker: ServiceBroker, ctx: Context, orgId: string, config: AgentConfig): Promise<AgentConfig> {
	const out: AgentConfig = { ...config };
	if (config.tools?.length && available(broker, "tools.describe")) {
		const found: { id: string }[] = await ctx.call("tools.describe", { org_id: orgId, tool_ids: config.tools });
		const ids = new Set(found.map(t => t.id));
		out.tools = config.tools.filter(id => ids.has(id));
	}
	if (config.knowledge_collection_ids?.length && available(broker, "knowledge.exists")) {
		const kept: string[] = [];
		for (const id of config.knowledge_collection_ids) {
			if (await ctx.call("knowledge.exists", { org_id: orgId, collection_id: id })) kept.push(id);
		}
		out.knowledge_collection_ids = kept;
	}
	if (config.prompt_id && available(broker, "prompts.exists")) {
		if (!(await ctx.call("prompts.exists", { org_id: orgId, prompt_id: config.prompt_id, version: null }))) {
			out.prompt_id = null;
			out.prompt_version = null;
		} else if (config.prompt_version != null && !(await ctx.call("prompts.exists", { org_id: orgId, prompt_id: config.prompt_id, version: config.prompt_version }))) {
			out.prompt_version = null;
		}
	}
	return out;
}
