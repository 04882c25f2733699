import type { Context, ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { outboundPolicy } from "../../lib/outbound";
import type { Settings } from "../../lib/settings";
import { callModel, type ChatMessage } from "../providers/adapters";
import type { ResolvedModel } from "../providers/service-model";
import { maskSecrets } from "../secrets/mask";

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export interface TrialResult {
	output: string;
	model: string;
	tokens_input: number;
	tokens_output: number;
	cost_usd: number;
	latency_ms: number;
}

/**
 * One synchronous model call with the rendered template as system prompt (§23 row 9): refused by an
 * exhausted `org` budget, charged to `org` budgets afterwards, upstream failures as 503 PROVIDER_ERROR.
 */
export async function tryPrompt(
	broker: ServiceBroker,
	ctx: Context,
	orgId: string,
	call: { model: string; system: string; input: string },
	settings: Settings,
	allowPrivateNetwork: boolean
): Promise<TrialResult> {
	const exhausted = await callIfPresent<{ budget_id: string; budget_name: string; resets_at: string } | null>(broker, "budgets.checkAcceptance", { org_id: orgId, agent_id: null }, null, ctx);
	if (exhausted) throw errors.conflict("BUDGET_EXCEEDED", `Budget ${exhausted.budget_name} is exhausted until ${exhausted.resets_at}`, exhausted);
	let resolved: ResolvedModel;
	try {
		resolved = await ctx.call("providers.resolveModel", { org_id: orgId, model: call.model });
	} catch (err: any) {
		if (err?.type === "PROVIDER_NOT_CONFIGURED") throw errors.custom(503, "PROVIDER_ERROR")(err.message, { model: call.model });
		throw err;
	}
	const messages: ChatMessage[] = [{ role: "system", content: call.system }];
	if (call.input) messages.push({ role: "user", content: call.input });
	const started = Date.now();
	let result;
	try {
		result = await callModel(resolved.target, { messages }, { policy: outboundPolicy(settings, allowPrivateNetwork) });
	} catch (err: any) {
		const message = maskSecrets(String(err?.message ?? "The provider call failed"), resolved.masks ?? []) as string;
		throw errors.custom(503, "PROVIDER_ERROR")(message);
	}
	const latency = Date.now() - started;
	const cost = round6((result.tokens_input * resolved.prices.input_per_1k + result.tokens_output * resolved.prices.output_per_1k) / 1000);
	if (cost > 0) await callIfPresent(broker, "budgets.recordSpend", { org_id: orgId, agent_id: null, actual_usd: cost }, null, ctx);
	return {
		output: maskSecrets(result.content ?? "", resolved.masks ?? []) as string,
		model: call.model,
		tokens_input: result.tokens_input,
		tokens_output: result.tokens_output,
		cost_usd: cost,
		latency_ms: latency
	};
}
