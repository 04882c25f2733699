import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import { FluxError } from "../../lib/errors";
import { outboundPolicy, type OutboundPolicy } from "../../lib/outbound";
import type { Schema } from "../../lib/schema";
import type { Settings } from "../../lib/settings";
import { nowIso } from "../../lib/time";
import { maskSecrets } from "../secrets/mask";
import { decryptValue, encryptValue } from "../secrets/vault";
import { callModel, embed, type ModelTarget } from "./adapters";
import { BUILTIN_BY_ID } from "./catalogue";
import { resolutionOrder, servesModel, vendorBaseUrl, type ProviderConfigDoc } from "./configs";
import { orgCatalogue, type OrgModel } from "./models";
import { type Ctx, type ProvidersThis, type ResolvedModel, TEST_TIMEOUT_MS } from "./service-model";

/** The providers service's methods: configuration lookups, model resolution over the org's catalogue, and calls to the adapters. */
export const providersMethods: NonNullable<Schema<ProvidersThis>["methods"]> = {
	async requireProvider(this: ProvidersThis, ctx: Ctx, id: string): Promise<ProviderConfigDoc> {
		const doc = await this.repos.provider_configs.forOrg(ctx.meta.principal.org_id).get(id);
		if (!doc) throw errors.notFound("Provider");
		return doc;
	},

	sealKey(this: ProvidersThis, orgId: string, id: string, apiKey: string): string {
		return encryptValue(apiKey, this.platform.masterKey, `${orgId}:${id}:api_key`);
	},

	openKey(this: ProvidersThis, doc: ProviderConfigDoc): string | null {
		return doc.api_key_enc ? decryptValue(doc.api_key_enc, this.platform.masterKey, `${doc.org_id}:${doc.id}:api_key`) : null;
	},

	/** Setting `is_default` clears it on the org's other providers of the same kind (§27). */
	async clearOtherDefaults(this: ProvidersThis, doc: ProviderConfigDoc) {
		await this.repos.provider_configs
			.forOrg(doc.org_id)
			.updateMany({ provider: doc.provider, is_default: true, id: { $ne: doc.id } }, { $set: { is_default: false, updated_at: nowIso() } });
	},

	async currentSettings(this: ProvidersThis): Promise<Settings> {
		return this.settingsCache.get();
	},

	async policy(this: ProvidersThis): Promise<OutboundPolicy> {
		return outboundPolicy(await this.currentSettings(), this.config.allowPrivateNetwork);
	},

	async catalogue(this: ProvidersThis, orgId: string): Promise<OrgModel[]> {
		const [providers, overrides, settings] = await Promise.all([
			this.repos.provider_configs.forOrg(orgId).find(),
			this.repos.model_overrides.forOrg(orgId).find(),
			this.currentSettings()
		]);
		return orgCatalogue(providers, overrides, settings.mock_provider_enabled);
	},

	/** The call target of one provider for `model`, its references resolved through `secrets.resolve`. */
	async targetOf(this: ProvidersThis, ctx: Context, doc: ProviderConfigDoc, model: string, agentId: string | null): Promise<{ target: ModelTarget; masks: string[] }> {
		const apiKey = this.openKey(doc);
		const raw = { api_key: apiKey, base_url: doc.base_url ?? vendorBaseUrl(doc.provider), headers: doc.headers ?? {} };
		const resolved: { value: typeof raw; masks: string[] } = await ctx.call("secrets.resolve", { org_id: doc.org_id, agent_id: agentId, value: raw });
		const target: ModelTarget = {
			kind: doc.provider,
			base_url: resolved.value.base_url,
			api_key: resolved.value.api_key,
			api_version: doc.api_version ?? null,
			headers: resolved.value.headers,
			model
		};
		const masks = [...resolved.masks];
		if (target.api_key) masks.push(target.api_key);
		return { target, masks: [...new Set(masks)] };
	},

	async resolve(this: ProvidersThis, ctx: Context, orgId: string, model: string, agentId: string | null): Promise<ResolvedModel> {
		// On every LLM call of every run: a point lookup of the override, no catalogue build.
		const builtin = BUILTIN_BY_ID.get(model);
		const priced = async () => {
			const override = await this.repos.model_overrides.forOrg(orgId).findOne({ model_id: model });
			return {
				input_per_1k: override?.input_price_per_1k_usd ?? builtin?.input_price_per_1k_usd ?? 0,
				output_per_1k: override?.output_price_per_1k_usd ?? builtin?.output_price_per_1k_usd ?? 0
			};
		};
		if (builtin?.is_mock) {
			if (!(await this.currentSettings()).mock_provider_enabled) {
				throw errors.conflict("PROVIDER_NOT_CONFIGURED", `The mock provider is disabled on this instance: configure a provider serving ${model}`, { model });
			}
			const target: ModelTarget = { kind: "mock", base_url: null, api_key: null, api_version: null, headers: {}, model };
			return { target, prices: await priced(), is_mock: true, provider_id: null, masks: [] };
		}
		const serving = resolutionOrder((await this.repos.provider_configs.forOrg(orgId).find({ enabled: true })).filter(p => servesModel(p, model)));
		if (!serving.length) {
			throw errors.conflict("PROVIDER_NOT_CONFIGURED", `No enabled provider of this organization serves model ${model}: configure one under /api/v1/providers`, { model });
		}
		const doc = serving[0];
		const [{ target, masks }, prices] = await Promise.all([this.targetOf(ctx, doc, model, agentId), priced()]);
		return { target, prices, is_mock: false, provider_id: doc.id, masks };
	},

	/** One small call through the provider; null when it succeeded, else the error (masked). */
	async probe(this: ProvidersThis, ctx: Context, doc: ProviderConfigDoc, model: string): Promise<{ code: string; message: string } | null> {
		let masks: string[] = [];
		try {
			const resolved = await this.targetOf(ctx, doc, model, null);
			masks = resolved.masks;
			const hooks = { policy: await this.policy(), timeoutMs: TEST_TIMEOUT_MS };
			const entry = (await this.catalogue(doc.org_id)).find(m => m.id === model);
			if (entry?.type === "embedding") await embed(resolved.target, ["ping"], hooks);
			else await callModel(resolved.target, { messages: [{ role: "user", content: "ping" }], max_tokens: 16 }, hooks);
			return null;
		} catch (err: any) {
			const known = err instanceof FluxError || (typeof err?.type === "string" && /^[A-Z_]+$/.test(err.type));
			const message = known ? String(err.message) : "Unexpected failure while calling the provider";
			if (!known) this.logger.warn({ provider_id: doc.id }, "Provider test failed unexpectedly");
			return { code: known ? err.type : "PROVIDER_ERROR", message: maskSecrets(message, masks) as string };
		}
	},

	masked(this: ProvidersThis, err: any, masks: string[]): Error {
		if (err instanceof FluxError && masks.length) return new FluxError(Number(err.code), err.type, maskSecrets(err.message, masks) as string, err.data);
		return err;
	}
};
