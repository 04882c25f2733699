import type { ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { isChatRun, type RunDoc } from "../runtime/runs";

type ContextMessage = { role: "system" | "user" | "assistant"; content: string };
type RunError = { code: string; message: string };

const available = (broker: ServiceBroker, action: string): boolean => (broker.registry as any).actions.isAvailable(action);

/**
 * What the model sees before the run's input: the system prompt — the agent's prompt template
 * rendered (§1 `prompt_id`, §23) or its plain `system_prompt` — then, for chat runs, the session's
 * earlier messages (§19). A template that cannot be rendered fails the run with PROMPT_RENDER_ERROR.
 */
export async function conversationPrefix(broker: ServiceBroker, run: RunDoc, config: any): Promise<{ messages: ContextMessage[] } | { error: RunError }> {
	const messages: ContextMessage[] = [];
	if (config.prompt_id) {
		if (!available(broker, "prompts.renderForRun")) return { error: { code: "PROMPT_RENDER_ERROR", message: "The agent uses a prompt template, but no node runs the prompts module" } };
		const result: { rendered?: string; error?: string } = await broker.call("prompts.renderForRun", {
			org_id: run.org_id,
			prompt_id: config.prompt_id,
			version: config.prompt_version ?? null,
			variables: config.prompt_variables ?? {}
		});
		if (result.error !== undefined) return { error: { code: "PROMPT_RENDER_ERROR", message: result.error } };
		if (result.rendered) messages.push({ role: "system", content: result.rendered });
	} else if (config.system_prompt) {
		messages.push({ role: "system", content: config.system_prompt });
	}
	if (isChatRun(run) && run.session_id) {
		const history = await callIfPresent<ContextMessage[]>(broker, "chat.history", { org_id: run.org_id, session_id: run.session_id, run_id: run.id }, []);
		messages.push(...history);
	}
	return { messages };
}
