import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import { FluxError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { outboundPolicy, type OutboundPolicy } from "../../lib/outbound";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { defaultSettings, SettingsCache, type Settings } from "../../lib/settings";
import type { Repository } from "../../lib/store";
import { UniqueViolation, writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { displayName, LIST_QUERY, listOptions, query, withBodyChecks } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { maskSecrets } from "../secrets/mask";
import { decryptValue, encryptValue } from "../secrets/vault";
import { callModel, embed, type ModelRequest, type ModelTarget } from "./adapters";
import { BUILTIN_BY_ID, costOf } from "./catalogue";
import {
	baseUrlRule,
	createShapeProblems,
	headersRule,
	MODEL_SCHEMA,
	MODELS_RULE,
	presentProvider,
	PROVIDER_KINDS,
	PROVIDER_SCHEMA,
	resolutionOrder,
	servedModels,
	servesModel,
	shapeProblems,
	TEST_RESULT_SCHEMA,
	vendorBaseUrl,
	type ProviderConfigDoc
} from "./configs";
import { orgCatalogue, type ModelOverrideDoc, type OrgModel } from "./models";

export { costOf } from "./catalogue";

interface ProvidersThis extends PlatformThis {
	repos: { provider_configs: Repository<ProviderConfigDoc>; model_overrides: Repository<ModelOverrideDoc> };
	settingsCache: SettingsCache;
	catalogue(orgId: string): Promise<OrgModel[]>;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal }>;

const TEST_TIMEOUT_MS = 30_000;
const PRICE_RULE = { type: "number", min: 0, max: 1000, optional: true };
/** The optional writable fields, the same on create and update (`name` and `provider` differ). */
const fieldRules = () => ({
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

const ProvidersService: Schema<ProvidersThis> = {
	name: "providers",
	mixins: [
		StoreMixin({
			provider_configs: [{ fields: ["org_id", "name"], unique: true }],
			model_overrides: [{ fields: ["org_id", "model_id"], unique: true }]
		})
	],
	settings: { rest: "/providers" },
	dependencies: ["admin", "secrets"],
	metadata: { schemas: { ProviderConfig: PROVIDER_SCHEMA, Model: MODEL_SCHEMA, ProviderTestResult: TEST_RESULT_SCHEMA } },

	actions: {
		listProviders: {
			rest: "GET /",
			access: ["providers:read"],
			openapi: { summary: "List provider configurations (never the api key)", response: "List:ProviderConfig" },
			params: { ...LIST_QUERY, provider: query({ type: "enum", values: PROVIDER_KINDS }), enabled: query({ type: "boolean" }) },
			async handler(this: ProvidersThis, ctx: Ctx) {
				const filter: Record<string, unknown> = {};
				if (ctx.params.provider !== undefined) filter.provider = ctx.params.provider;
				if (ctx.params.enabled !== undefined) filter.enabled = ctx.params.enabled;
				const page = await this.repos.provider_configs.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentProvider) };
			}
		},

		createProvider: {
			rest: "POST /",
			access: ["providers:write"],
			audit: { action: "provider.create" },
			openapi: { summary: "Connect an LLM vendor", status: 201, response: "ProviderConfig" },
			params: {
				name: displayName(),
				provider: withBodyChecks({ type: "enum", values: PROVIDER_KINDS }, createShapeProblems),
				...fieldRules()
			},
			async handler(this: ProvidersThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const models = [...new Set((p.models ?? []) as string[])];
				const repo = this.repos.provider_configs.forOrg(orgId);
				const id = newId("prv");
				const doc = await writeUnique("name", p.name, () =>
					repo.insert({
						id,
						name: p.name,
						provider: p.provider,
						api_key_enc: p.api_key ? this.sealKey(orgId, id, p.api_key) : null,
						base_url: p.base_url ?? null,
						api_version: p.api_version ?? null,
						headers: p.headers ?? {},
						models,
						is_default: !!p.is_default,
						enabled: p.enabled ?? true,
						status: "unknown",
						last_checked_at: null,
						last_error: null
					})
				);
				if (doc.is_default) await this.clearOtherDefaults(doc);
				return presentProvider(doc);
			}
		},

		listModels: {
			rest: "GET /models",
			access: ["providers:read"],
			openapi: { summary: "The model catalogue with this organization's prices and availability", response: "List:Model" },
			params: {
				...LIST_QUERY,
				provider: query({ type: "enum", values: [...PROVIDER_KINDS, "mock"] }),
				type: query({ type: "enum", values: ["chat", "embedding"] }),
				available: query({ type: "boolean" })
			},
			async handler(this: ProvidersThis, ctx: Ctx) {
				const p = ctx.params;
				let items = await this.catalogue(ctx.meta.principal.org_id);
				if (p.provider !== undefined) items = items.filter(m => m.provider === p.provider);
				if (p.type !== undefined) items = items.filter(m => m.type === p.type);
				if (p.available !== undefined) items = items.filter(m => m.available === p.available);
				const { limit, offset } = listOptions(p);
				return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
			}
		},

		updateModel: {
			rest: "PUT /models/:model_id",
			access: ["providers:write"],
			audit: { action: "model.update" },
			openapi: { summary: "Override a model's prices or context window for this organization", response: "Model" },
			params: {
				model_id: "string",
				input_price_per_1k_usd: PRICE_RULE,
				output_price_per_1k_usd: PRICE_RULE,
				context_window: { type: "number", integer: true, min: 1, max: 100_000_000, optional: true }
			},
			async handler(this: ProvidersThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const model = (await this.catalogue(orgId)).find(m => m.id === p.model_id);
				if (!model) throw errors.notFound("Model");
				const set: Partial<ModelOverrideDoc> = {};
				for (const key of ["input_price_per_1k_usd", "output_price_per_1k_usd", "context_window"] as const) if (p[key] !== undefined) set[key] = p[key];
				if (!Object.keys(set).length) return model;
				const repo = this.repos.model_overrides.forOrg(orgId);
				const existing = await repo.findOne({ model_id: model.id });
				if (existing) await repo.update(existing.id, set);
				else {
					try {
						await repo.insert({ id: newId("mdo"), model_id: model.id, ...set });
					} catch (err) {
						if (!(err instanceof UniqueViolation)) throw err;
						await repo.updateWhere({ model_id: model.id }, { $set: { ...set, updated_at: nowIso() } });
					}
				}
				return (await this.catalogue(orgId)).find(m => m.id === model.id);
			}
		},

		getProvider: {
			rest: "GET /:provider_id",
			access: ["providers:read"],
			openapi: { summary: "Get a provider configuration", response: "ProviderConfig" },
			params: { provider_id: "string" },
			async handler(this: ProvidersThis, ctx: Ctx) {
				return presentProvider(await this.requireProvider(ctx, ctx.params.provider_id));
			}
		},

		updateProvider: {
			rest: "PUT /:provider_id",
			access: ["providers:write"],
			audit: { action: "provider.update" },
			openapi: { summary: "Change a provider configuration", response: "ProviderConfig" },
			params: {
				provider_id: "string",
				name: displayName({ optional: true }),
				provider: { type: "any", optional: true },
				...fieldRules()
			},
			async handler(this: ProvidersThis, ctx: Ctx) {
				const p = ctx.params;
				const doc = await this.requireProvider(ctx, p.provider_id);
				if (p.provider !== undefined && p.provider !== doc.provider) throw errors.fieldError("provider", "is immutable: create another provider instead");
				const set: Partial<ProviderConfigDoc> = {};
				if (p.name !== undefined) set.name = p.name;
				if (p.api_key !== undefined) set.api_key_enc = p.api_key === null ? null : this.sealKey(doc.org_id, doc.id, p.api_key);
				for (const key of ["base_url", "api_version", "is_default", "enabled"] as const) if (p[key] !== undefined) (set as any)[key] = p[key];
				if (p.headers !== undefined) set.headers = p.headers;
				if (p.models !== undefined) set.models = [...new Set(p.models as string[])];
				const merged = { ...doc, ...set };
				const problems = shapeProblems({
					provider: doc.provider,
					has_api_key: !!merged.api_key_enc,
					base_url: merged.base_url,
					api_version: merged.api_version,
					models: merged.models ?? []
				});
				if (problems.length) throw errors.validation(problems);
				const repo = this.repos.provider_configs.forOrg(doc.org_id);
				const updated = (await writeUnique("name", set.name, () => repo.update(doc.id, set))) as ProviderConfigDoc;
				if (set.is_default) await this.clearOtherDefaults(updated);
				return presentProvider(updated);
			}
		},

		deleteProvider: {
			rest: "DELETE /:provider_id",
			access: ["providers:write"],
			audit: { action: "provider.delete" },
			openapi: { summary: "Remove a provider configuration", status: 204 },
			params: { provider_id: "string" },
			async handler(this: ProvidersThis, ctx: Ctx) {
				const doc = await this.requireProvider(ctx, ctx.params.provider_id);
				await this.repos.provider_configs.forOrg(doc.org_id).delete(doc.id);
				return null;
			}
		},

		testProvider: {
			rest: "POST /:provider_id/test",
			access: ["providers:write"],
			audit: { action: "provider.test" },
			openapi: { summary: "Make one small real call through the provider", response: "ProviderTestResult" },
			params: { provider_id: "string", model: { type: "string", min: 1, max: 200, optional: true } },
			async handler(this: ProvidersThis, ctx: Ctx) {
				const doc = await this.requireProvider(ctx, ctx.params.provider_id);
				const model: string | null = ctx.params.model ?? servedModels(doc)[0] ?? null;
				const started = Date.now();
				let error: { code: string; message: string } | null = null;
				if (!model) error = { code: "VALIDATION_ERROR", message: "This provider serves no model: send `model`" };
				else error = await this.probe(ctx, doc, model);
				const latency = Date.now() - started;
				await this.repos.provider_configs.forOrg(doc.org_id).update(doc.id, {
					status: error ? "error" : "ok",
					last_checked_at: nowIso(),
					last_error: error ? error.message : null
				});
				return { ok: !error, model, latency_ms: latency, error };
			}
		},

		// Internal actions for other services.

		/** Target, prices and masks for a call to `model` by the org (and agent, for agent-scoped secrets). */
		resolveModel: {
			visibility: "public",
			params: { org_id: "string", model: "string", agent_id: { type: "string", optional: true, nullable: true } },
			handler(this: ProvidersThis, ctx: Context<{ org_id: string; model: string; agent_id?: string | null }>): Promise<ResolvedModel> {
				return this.resolve(ctx, ctx.params.org_id, ctx.params.model, ctx.params.agent_id ?? null);
			}
		},

		modelExists: {
			visibility: "public",
			params: { org_id: "string", model: "string" },
			async handler(this: ProvidersThis, ctx: Context<{ org_id: string; model: string }>) {
				return (await this.catalogue(ctx.params.org_id)).some(m => m.id === ctx.params.model);
			}
		},

		/** The org's catalogue entry of a model (prices in force, availability), or null. */
		modelInfo: {
			visibility: "public",
			params: { org_id: "string", model: "string" },
			async handler(this: ProvidersThis, ctx: Context<{ org_id: string; model: string }>) {
				return (await this.catalogue(ctx.params.org_id)).find(m => m.id === ctx.params.model) ?? null;
			}
		},

		healthAll: {
			visibility: "public",
			async handler(this: ProvidersThis) {
				const docs = await this.repos.provider_configs.platformWide().find({ enabled: true }, { sort: { org_id: 1, created_at: 1 } });
				return docs.map(d => ({ org_id: d.org_id, provider_id: d.id, status: d.status ?? "unknown" }));
			}
		},

		/**
		 * One synchronous model call (prompt tests, judges): resolve, call, price. Secret values are
		 * masked in the answer and in error messages.
		 */
		complete: {
			visibility: "public",
			params: {
				org_id: "string",
				model: "string",
				agent_id: { type: "string", optional: true, nullable: true },
				request: { type: "object" }
			},
			async handler(this: ProvidersThis, ctx: Context<{ org_id: string; model: string; agent_id?: string | null; request: ModelRequest }>) {
				const { org_id, model, agent_id, request } = ctx.params;
				const resolved = await this.resolve(ctx, org_id, model, agent_id ?? null);
				const started = Date.now();
				try {
					const result = await callModel(resolved.target, request, { policy: await this.policy() });
					return {
						...(maskSecrets(result, resolved.masks) as object),
						model,
						provider_id: resolved.provider_id,
						is_mock: resolved.is_mock,
						cost_usd: costOf(result.tokens_input, result.tokens_output, resolved.prices),
						latency_ms: Date.now() - started
					};
				} catch (err) {
					throw this.masked(err, resolved.masks);
				}
			}
		},

		/** Embeddings of `input` with an embedding model of the catalogue. */
		embed: {
			visibility: "public",
			params: { org_id: "string", model: "string", input: { type: "array", items: "string" }, agent_id: { type: "string", optional: true, nullable: true } },
			async handler(this: ProvidersThis, ctx: Context<{ org_id: string; model: string; input: string[]; agent_id?: string | null }>) {
				const { org_id, model, input, agent_id } = ctx.params;
				const resolved = await this.resolve(ctx, org_id, model, agent_id ?? null);
				try {
					const result = await embed(resolved.target, input, { policy: await this.policy() });
					return { ...result, cost_usd: costOf(result.tokens_input, 0, resolved.prices) };
				} catch (err) {
					throw this.masked(err, resolved.masks);
				}
			}
		}
	},

	events: {
		"settings.changed"(this: ProvidersThis, ctx: Context<Settings>) {
			this.settingsCache.set(ctx.params);
		}
	},

	methods: {
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
	},

	created(this: ProvidersThis) {
		this.settingsCache = new SettingsCache(
			() => this.broker.call("admin.currentSettings"),
			() => defaultSettings(this.config)
		);
	}
};

export default ProvidersService;
