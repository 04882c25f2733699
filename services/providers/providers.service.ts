import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Schema } from "../../lib/schema";
import { defaultSettings, SettingsCache, type Settings } from "../../lib/settings";
import { UniqueViolation, writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { displayName, LIST_QUERY, listOptions, query, withBodyChecks } from "../../lib/validation";
import { StoreMixin } from "../../mixins/platform.mixin";
import { maskSecrets } from "../secrets/mask";
import { callModel, embed, type ModelRequest } from "./adapters";
import { costOf } from "./catalogue";
import { createShapeProblems, MODEL_SCHEMA, presentProvider, PROVIDER_KINDS, PROVIDER_SCHEMA, servedModels, shapeProblems, TEST_RESULT_SCHEMA, type ProviderConfigDoc } from "./configs";
import type { ModelOverrideDoc } from "./models";
import { type Ctx, fieldRules, PRICE_RULE, type ProvidersThis, type ResolvedModel } from "./service-model";
import { providersMethods } from "./methods";

export { costOf } from "./catalogue";


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

	methods: providersMethods,

	created(this: ProvidersThis) {
		this.settingsCache = new SettingsCache(
			() => this.broker.call("admin.currentSettings"),
			() => defaultSettings(this.config)
		);
	}
};

export default ProvidersService;
