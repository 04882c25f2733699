import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { defaultSettings, SettingsCache } from "../../lib/settings";
import type { Filter, Repository } from "../../lib/store";
import { writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query, slug, substringFilter, withBodyChecks } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import {
	deriveVariables, DESCRIPTION_RULE, presentPrompt, presentVersion, PROMPT_SCHEMA, PROMPT_VERSION_SCHEMA, promptProblems, RENDER_SCHEMA, TAG, TAGS_RULE,
	TEMPLATE_RULE, TEST_RESULT_SCHEMA, VARIABLES_RULE, type PromptDoc, type PromptVersionDoc
} from "./model";
import { promptChange } from "./changes";
import { renderTemplate } from "./template";
import { tryPrompt } from "./trial";

interface PromptsThis extends PlatformThis {
	repos: { prompts: Repository<PromptDoc>; prompt_versions: Repository<PromptVersionDoc> };
	settingsCache: SettingsCache;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal }>;

const VERSION_PARAM = { type: "number", integer: true, min: 1, optional: true };
const VALUES_RULE = { type: "object", optional: true };

const PromptsService: Schema<PromptsThis> = {
	name: "prompts",
	mixins: [
		StoreMixin({
			prompts: [{ fields: ["org_id", "name"], unique: true }],
			prompt_versions: [{ fields: ["org_id", "prompt_id", "version"], unique: true }]
		})
	],
	settings: { rest: "/prompts" },
	metadata: { schemas: { Prompt: PROMPT_SCHEMA, PromptVersion: PROMPT_VERSION_SCHEMA, PromptRender: RENDER_SCHEMA, PromptTestResult: TEST_RESULT_SCHEMA } },

	actions: {
		createPrompt: {
			rest: "POST /",
			access: ["prompts:write"],
			audit: { action: "prompt.create" },
			openapi: { summary: "Create a prompt template (version 1)", status: 201, response: "Prompt" },
			params: {
				name: slug(),
				template: withBodyChecks(TEMPLATE_RULE, promptProblems),
				variables: VARIABLES_RULE,
				description: DESCRIPTION_RULE,
				tags: TAGS_RULE
			},
			async handler(this: PromptsThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const declared = p.variables ?? [];
				const doc = await writeUnique("name", p.name, () =>
					this.repos.prompts.forOrg(orgId).insert({
						id: newId("prm"),
						name: p.name,
						description: p.description ?? "",
						template: p.template,
						declared_variables: declared,
						variables: deriveVariables(p.template, declared),
						tags: [...new Set<string>(p.tags ?? [])],
						version: 1,
						created_by: ctx.meta.principal.id
					})
				);
				await this.storeVersion(doc, ctx.meta.principal.id);
				return presentPrompt(doc);
			}
		},

		listPrompts: {
			rest: "GET /",
			access: ["prompts:read"],
			openapi: { summary: "List prompt templates", response: "List:Prompt" },
			params: { ...LIST_QUERY, search: query({ type: "string", max: 200 }), tag: query({ type: "string", pattern: TAG }) },
			async handler(this: PromptsThis, ctx: Ctx) {
				let filter: Filter = {};
				if (ctx.params.search) filter = substringFilter(ctx.params.search, ["name", "description"]);
				if (ctx.params.tag) filter.tags = ctx.params.tag;
				const page = await this.repos.prompts.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentPrompt) };
			}
		},

		getPrompt: {
			rest: "GET /:prompt_id",
			access: ["prompts:read"],
			openapi: { summary: "Get a prompt template", response: "Prompt" },
			params: { prompt_id: "string" },
			async handler(this: PromptsThis, ctx: Ctx) {
				return presentPrompt(await this.requirePrompt(ctx.meta.principal.org_id, ctx.params.prompt_id));
			}
		},

		updatePrompt: {
			rest: "PUT /:prompt_id",
			access: ["prompts:write"],
			audit: { action: "prompt.update" },
			openapi: { summary: "Change a prompt template; a new template or variables make a new version", response: "Prompt" },
			params: {
				prompt_id: withBodyChecks({ type: "string" }, promptProblems),
				name: slug({ optional: true }),
				template: { ...TEMPLATE_RULE, optional: true },
				variables: VARIABLES_RULE,
				description: DESCRIPTION_RULE,
				tags: TAGS_RULE
			},
			async handler(this: PromptsThis, ctx: Ctx) {
				const p = ctx.params;
				// The version guard keeps two concurrent edits from both becoming version n+1: the loser re-reads and retries.
				for (let attempt = 0; ; attempt++) {
					const prompt = await this.requirePrompt(ctx.meta.principal.org_id, p.prompt_id);
					const change = promptChange(prompt, p);
					if (!change.set) return presentPrompt(prompt);
					const repo = this.repos.prompts.forOrg(prompt.org_id);
					const updated = await writeUnique("name", p.name, () => repo.updateWhere({ id: prompt.id, version: prompt.version }, { $set: { ...change.set, updated_at: nowIso() } }));
					if (!updated && attempt < 5) continue;
					if (!updated) throw errors.internal();
					if (change.newVersion) await this.storeVersion(updated, ctx.meta.principal.id);
					return presentPrompt(updated);
				}
			}
		},

		deletePrompt: {
			rest: "DELETE /:prompt_id",
			access: ["prompts:write"],
			audit: { action: "prompt.delete" },
			openapi: { summary: "Delete a prompt template that no agent references", status: 204 },
			params: { prompt_id: "string" },
			async handler(this: PromptsThis, ctx: Ctx) {
				const prompt = await this.requirePrompt(ctx.meta.principal.org_id, ctx.params.prompt_id);
				const agentIds = await callIfPresent<string[]>(this.broker, "agents.usingPrompt", { org_id: prompt.org_id, prompt_id: prompt.id }, [], ctx);
				if (agentIds.length) throw errors.resourceInUse(`Prompt ${prompt.name} is used by ${agentIds.length} agent(s): point them at another prompt first`, { agent_ids: agentIds });
				await this.repos.prompts.forOrg(prompt.org_id).delete(prompt.id);
				await this.repos.prompt_versions.forOrg(prompt.org_id).deleteMany({ prompt_id: prompt.id });
				return null;
			}
		},

		listVersions: {
			rest: "GET /:prompt_id/versions",
			access: ["prompts:read"],
			openapi: { summary: "Versions of a prompt template, newest first", response: "List:PromptVersion" },
			params: { prompt_id: "string", ...LIST_QUERY },
			async handler(this: PromptsThis, ctx: Ctx) {
				const prompt = await this.requirePrompt(ctx.meta.principal.org_id, ctx.params.prompt_id);
				const options = listOptions(ctx.params);
				const page = await this.repos.prompt_versions
					.forOrg(prompt.org_id)
					.list({ prompt_id: prompt.id }, { ...options, sort: { version: options.order === "asc" ? 1 : -1 } });
				return { ...page, items: page.items.map(presentVersion) };
			}
		},

		getVersion: {
			rest: "GET /:prompt_id/versions/:version",
			access: ["prompts:read"],
			openapi: { summary: "One version of a prompt template", response: "PromptVersion" },
			params: { prompt_id: "string", version: "string" },
			async handler(this: PromptsThis, ctx: Ctx) {
				const prompt = await this.requirePrompt(ctx.meta.principal.org_id, ctx.params.prompt_id);
				const number = /^[1-9][0-9]{0,8}$/.test(ctx.params.version) ? Number(ctx.params.version) : null;
				const version = number ? await this.findVersion(prompt, number) : null;
				if (!version) throw errors.notFound("Prompt version");
				return presentVersion(version);
			}
		},

		render: {
			rest: "POST /:prompt_id/render",
			access: ["prompts:read"],
			openapi: { summary: "Render a prompt template with values (changes nothing)", response: "PromptRender" },
			params: { prompt_id: "string", variables: VALUES_RULE, version: VERSION_PARAM },
			async handler(this: PromptsThis, ctx: Ctx) {
				const { rendered, version } = await this.renderRequest(ctx);
				return { prompt_id: ctx.params.prompt_id, version, rendered };
			}
		},

		testPrompt: {
			rest: "POST /:prompt_id/test",
			access: ["runtime:execute"],
			audit: { action: "prompt.test" },
			openapi: { summary: "Try a rendered prompt against a model (not a run; counts toward org budgets)", response: "PromptTestResult" },
			params: {
				prompt_id: "string",
				model: { type: "string", min: 1, max: 200 },
				variables: VALUES_RULE,
				version: VERSION_PARAM,
				input: { type: "string", max: 100000, optional: true }
			},
			async handler(this: PromptsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const { rendered } = await this.renderRequest(ctx);
				const known = await callIfPresent(this.broker, "providers.modelExists", { org_id: orgId, model: ctx.params.model }, false, ctx);
				if (!known) throw errors.fieldError("model", `unknown model ${ctx.params.model}: see GET /api/v1/providers/models`);
				const call = { model: ctx.params.model, system: rendered, input: ctx.params.input ?? "" };
				const result = await tryPrompt(this.broker, ctx, orgId, call, await this.settingsCache.get(), this.config.allowPrivateNetwork);
				return { rendered, ...result };
			}
		},

		// Internal actions for agents, lifecycle and the runtime.

		/** Whether the prompt (and, when given, that version of it) exists in the org. */
		exists: {
			visibility: "public",
			params: { org_id: "string", prompt_id: "string", version: { type: "number", optional: true, nullable: true } },
			async handler(this: PromptsThis, ctx: Context<{ org_id: string; prompt_id: string; version?: number | null }>) {
				const prompt = await this.repos.prompts.forOrg(ctx.params.org_id).get(ctx.params.prompt_id);
				if (!prompt) return false;
				return ctx.params.version == null || !!(await this.findVersion(prompt, ctx.params.version));
			}
		},

		/**
		 * An agent's system prompt (§1 `prompt_id`): the pinned or latest version rendered with the
		 * agent's values; `{error}` when the template cannot be rendered (the run fails with PROMPT_RENDER_ERROR).
		 */
		renderForRun: {
			visibility: "public",
			params: { org_id: "string", prompt_id: "string", version: { type: "number", optional: true, nullable: true }, variables: { type: "object", optional: true } },
			async handler(this: PromptsThis, ctx: Context<{ org_id: string; prompt_id: string; version?: number | null; variables?: Record<string, unknown> }>) {
				const prompt = await this.repos.prompts.forOrg(ctx.params.org_id).get(ctx.params.prompt_id);
				if (!prompt) return { error: `The agent's prompt ${ctx.params.prompt_id} no longer exists` };
				const version = ctx.params.version == null ? prompt : await this.findVersion(prompt, ctx.params.version);
				if (!version) return { error: `The agent's prompt ${prompt.name} has no version ${ctx.params.version}` };
				const result = renderTemplate(version.template, version.variables, ctx.params.variables ?? {});
				if (result.rendered === null) return { error: `The agent's prompt ${prompt.name} needs values for: ${result.missing.join(", ")}` };
				return { rendered: result.rendered, version: version.version };
			}
		}
	},

	methods: {
		async requirePrompt(this: PromptsThis, orgId: string, id: string): Promise<PromptDoc> {
			const prompt = await this.repos.prompts.forOrg(orgId).get(id);
			if (!prompt) throw errors.notFound("Prompt");
			return prompt;
		},

		async findVersion(this: PromptsThis, prompt: PromptDoc, version: number): Promise<PromptVersionDoc | null> {
			return this.repos.prompt_versions.forOrg(prompt.org_id).findOne({ prompt_id: prompt.id, version });
		},

		async storeVersion(this: PromptsThis, prompt: PromptDoc, createdBy: string | null) {
			await this.repos.prompt_versions.forOrg(prompt.org_id).insert({
				id: newId("pmv"),
				prompt_id: prompt.id,
				version: prompt.version,
				template: prompt.template,
				variables: prompt.variables,
				created_by: createdBy
			});
		},

		/** Render and test: the requested (or latest) version with the given values; 400 names every missing variable. */
		async renderRequest(this: PromptsThis, ctx: Ctx): Promise<{ rendered: string; version: number }> {
			const prompt = await this.requirePrompt(ctx.meta.principal.org_id, ctx.params.prompt_id);
			const version = ctx.params.version == null ? prompt : await this.findVersion(prompt, ctx.params.version);
			if (!version) throw errors.referenceNotFound("version", `Version ${ctx.params.version} of the prompt`);
			const result = renderTemplate(version.template, version.variables, ctx.params.variables ?? {});
			if (result.rendered === null) throw errors.validation(result.missing.map(name => ({ field: `variables.${name}`, message: "required" })));
			return { rendered: result.rendered, version: version.version };
		}
	},

	created(this: PromptsThis) {
		this.settingsCache = new SettingsCache(() => this.broker.call("admin.currentSettings"), () => defaultSettings(this.config));
	}
};

export default PromptsService;
