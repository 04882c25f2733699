import { callAnthropic } from "./anthropic";
import { callGoogle, embedGoogle } from "./google";
import { providerError } from "./http";
import { callMock, embedMock } from "./mock";
import { callOpenAi, embedOpenAi } from "./openai";
import type { EmbeddingResult, ModelHooks, ModelRequest, ModelResult, ModelTarget } from "./types";

export * from "./types";
export { mockEmbed, MOCK_CHAT_MODELS, MOCK_EMBED_MODEL } from "./mock";

/**
 * One model call through the adapter of `target.kind`: streamed (`hooks.onToken`), abortable
 * (`hooks.signal`), SSRF-guarded (`hooks.policy`), an upstream 429/5xx retried once. Fails with
 * 503 PROVIDER_ERROR whose message never carries the api key.
 */
export function callModel(target: ModelTarget, request: ModelRequest, hooks: ModelHooks): Promise<ModelResult> {
	switch (target.kind) {
		case "mock":
			return callMock(target.model, request, hooks);
		case "anthropic":
			return callAnthropic(target, request, hooks);
		case "google":
			return callGoogle(target, request, hooks);
		case "openai":
		case "azure_openai":
		case "groq":
		case "together":
		case "ollama":
		case "vllm":
		case "openai_compatible":
			return callOpenAi(target, request, hooks);
		default:
			return Promise.reject(providerError(`Unknown provider kind ${String((target as ModelTarget).kind)}`));
	}
}

/** Embeddings of `input` (one vector per text). Anthropic has no embedding API. */
export async function embed(target: ModelTarget, input: string[], hooks: ModelHooks): Promise<EmbeddingResult> {
	if (target.kind === "mock") {
		if (target.model !== "mock-embed") throw providerError(`${target.model} is not an embedding model`);
		return embedMock(input);
	}
	if (target.kind === "google") return embedGoogle(target, input, hooks);
	if (target.kind === "anthropic") throw providerError("Anthropic offers no embedding models");
	return embedOpenAi(target, input, hooks);
}
