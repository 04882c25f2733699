import type { ProviderKind } from "./adapters/types";

export type ModelType = "chat" | "embedding";
export type PriceSource = "builtin" | "org_override" | "declared";

export interface CatalogueModel {
	id: string;
	provider: ProviderKind | "mock";
	type: ModelType;
	context_window: number;
	input_price_per_1k_usd: number;
	output_price_per_1k_usd: number;
	supports_tools: boolean;
	supports_streaming: boolean;
	is_mock: boolean;
}

const chat = (id: string, provider: CatalogueModel["provider"], context: number, input: number, output: number, tools = true): CatalogueModel => ({
	id,
	provider,
	type: "chat",
	context_window: context,
	input_price_per_1k_usd: input,
	output_price_per_1k_usd: output,
	supports_tools: tools,
	supports_streaming: true,
	is_mock: provider === "mock"
});

const embedding = (id: string, provider: CatalogueModel["provider"], context: number, input: number): CatalogueModel => ({
	id,
	provider,
	type: "embedding",
	context_window: context,
	input_price_per_1k_usd: input,
	output_price_per_1k_usd: 0,
	supports_tools: false,
	supports_streaming: false,
	is_mock: provider === "mock"
});

/** Built-in models with the vendors' list prices (USD per 1,000 tokens) at the models' release. */
export const BUILTIN_MODELS: CatalogueModel[] = [
	chat("gpt-4o", "openai", 128000, 0.0025, 0.01),
	chat("gpt-4o-mini", "openai", 128000, 0.00015, 0.0006),
	chat("gpt-4.1", "openai", 1047576, 0.002, 0.008),
	chat("gpt-4.1-mini", "openai", 1047576, 0.0004, 0.0016),
	chat("o3-mini", "openai", 200000, 0.0011, 0.0044),
	embedding("text-embedding-3-small", "openai", 8191, 0.00002),
	embedding("text-embedding-3-large", "openai", 8191, 0.00013),
	chat("claude-3-5-sonnet-latest", "anthropic", 200000, 0.003, 0.015),
	chat("claude-3-5-haiku-latest", "anthropic", 200000, 0.0008, 0.004),
	chat("claude-3-7-sonnet-latest", "anthropic", 200000, 0.003, 0.015),
	chat("gemini-1.5-pro", "google", 2097152, 0.00125, 0.005),
	chat("gemini-1.5-flash", "google", 1048576, 0.000075, 0.0003),
	chat("gemini-2.0-flash", "google", 1048576, 0.0001, 0.0004),
	// The Gemini API lists text-embedding-004 free of charge.
	embedding("text-embedding-004", "google", 2048, 0),
	chat("llama-3.3-70b-versatile", "groq", 131072, 0.00059, 0.00079),
	chat("meta-llama/Llama-3.3-70B-Instruct-Turbo", "together", 131072, 0.00088, 0.00088),
	chat("mock-echo", "mock", 128000, 0, 0),
	chat("mock-tools", "mock", 128000, 0, 0),
	embedding("mock-embed", "mock", 8192, 0)
];

export const BUILTIN_BY_ID = new Map(BUILTIN_MODELS.map(m => [m.id, m]));

/** Catalogue family whose models a provider kind serves when its `models` list is empty. */
export const FAMILY_OF: Record<ProviderKind, ProviderKind | null> = {
	openai: "openai",
	azure_openai: "openai",
	anthropic: "anthropic",
	google: "google",
	groq: "groq",
	together: "together",
	ollama: null,
	vllm: null,
	openai_compatible: null
};

export interface Prices {
	input_per_1k: number;
	output_per_1k: number;
}

/** Round half up to 6 decimals (§0.5), immune to binary representation noise such as 1.0000005 → 1.000000499…. */
export function round6(value: number): number {
	const scaled = Number((value * 1e6).toPrecision(15));
	return Math.sign(scaled) * Math.round(Math.abs(scaled)) / 1e6;
}

/** Cost of one call (§27): tokens_input / 1000 × input price + tokens_output / 1000 × output price. */
export function costOf(tokensIn: number, tokensOut: number, prices: Prices): number {
	return round6((tokensIn / 1000) * prices.input_per_1k + (tokensOut / 1000) * prices.output_per_1k);
}
