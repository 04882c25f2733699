import type { Context } from "moleculer";
import type { Principal } from "../../lib/principal";
import type { SettingsCache } from "../../lib/settings";
import type { Repository } from "../../lib/store";
import type { PlatformThis } from "../../mixins/platform.mixin";
import type { ModelTarget } from "./adapters";
import { baseUrlRule, headersRule, MODELS_RULE, type ProviderConfigDoc } from "./configs";
import type { ModelOverrideDoc, OrgModel } from "./models";

// The providers service's shape (its `this` and context), field rules, and the resolved model other modules receive.
export interface ProvidersThis extends PlatformThis {
	repos: { provider_configs: Repository<ProviderConfigDoc>; model_overrides: Repository<ModelOverrideDoc> };
	settingsCache: SettingsCache;
	catalogue(orgId: string): Promise<OrgModel[]>;
	[k: string]: any;
}

export type Ctx<P = any> = Context<P, { principal: Principal }>;

export const TEST_TIMEOUT_MS = 30_000;
export const PRICE_RULE = { type: "number", min: 0, max: 1000, optional: true };
/** The optional writable fields, the same on create and update (`name` and `provider` differ). */
export const fieldRules = () => ({
	api_key: { type: "string", min: 1, max: 8192, optional: true, nullable: true },
	base_url: baseUrlRule({ optional: true, nullable: true }),
	api_version: { type: "string", min: 1, max: 64, optional: true, nullable: true },
	headers: headersRule({ optional: true }),
	models: { ...MODELS_RULE, optional: true },
	is_default: { type: "boolean", optional: true },
	enabled: { type: "boolean", optional: true }
});

/** What `providers.resolveModel` answers: a ready-to-call target (secrets resolved) and the prices in force. */
export interface ResolvedModel {
	target: ModelTarget;
	prices: { input_per_1k: number; output_per_1k: number };
	is_mock: boolean;
	provider_id: string | null;
	/** Secret values and literal keys inside `target`: mask them (`maskSecrets`) in anything recorded. */
	masks: string[];
}
