import { BUILTIN_MODELS, type CatalogueModel, type PriceSource, type Prices } from "./catalogue";
import { resolutionOrder, servesModel, type ProviderConfigDoc } from "./configs";

export interface ModelOverrideDoc {
	id: string;
	org_id: string;
	model_id: string;
	input_price_per_1k_usd?: number;
	output_price_per_1k_usd?: number;
	context_window?: number;
	created_at: string;
	updated_at: string;
}

export interface OrgModel extends CatalogueModel {
	price_source: PriceSource;
	available: boolean;
	provider_ids: string[];
}

/** Context window assumed for a model a provider declares without the catalogue knowing it. */
const DECLARED_CONTEXT_WINDOW = 8192;

/**
 * The org's catalogue (§27): built-in models, then models its providers declare that the catalogue
 * lacks (price 0, `declared`), with the org's overrides applied.
 */
export function orgCatalogue(providers: ProviderConfigDoc[], overrides: ModelOverrideDoc[], mockEnabled: boolean): OrgModel[] {
	const ordered = resolutionOrder(providers);
	const entries: { model: CatalogueModel; source: PriceSource }[] = BUILTIN_MODELS.map(model => ({ model, source: "builtin" }));
	const known = new Set(BUILTIN_MODELS.map(m => m.id));
	for (const p of [...providers].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))) {
		for (const id of p.models ?? []) {
			if (known.has(id)) continue;
			known.add(id);
			entries.push({
				source: "declared",
				model: {
					id,
					provider: p.provider,
					type: /embed/i.test(id) ? "embedding" : "chat",
					context_window: DECLARED_CONTEXT_WINDOW,
					input_price_per_1k_usd: 0,
					output_price_per_1k_usd: 0,
					supports_tools: !/embed/i.test(id),
					supports_streaming: !/embed/i.test(id),
					is_mock: false
				}
			});
		}
	}
	const byModel = new Map(overrides.map(o => [o.model_id, o]));
	return entries.map(({ model, source }) => {
		const o = byModel.get(model.id);
		const serving = ordered.filter(p => servesModel(p, model.id));
		const priced = o && (o.input_price_per_1k_usd != null || o.output_price_per_1k_usd != null);
		return {
			...model,
			context_window: o?.context_window ?? model.context_window,
			input_price_per_1k_usd: o?.input_price_per_1k_usd ?? model.input_price_per_1k_usd,
			output_price_per_1k_usd: o?.output_price_per_1k_usd ?? model.output_price_per_1k_usd,
			price_source: priced ? "org_override" : source,
			available: model.is_mock ? mockEnabled : serving.some(p => p.enabled !== false),
			provider_ids: model.is_mock ? [] : serving.map(p => p.id)
		};
	});
}

export const pricesOf = (m: Pick<CatalogueModel, "input_price_per_1k_usd" | "output_price_per_1k_usd">): Prices => ({
	input_per_1k: m.input_price_per_1k_usd,
	output_per_1k: m.output_price_per_1k_usd
});
