import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { UniqueViolation, writeUnique, type Filter, type Repository } from "../../lib/store";
import { LIST_QUERY, query, substringFilter } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import {
	BUILTIN_ORG, BUILTIN_TEMPLATES, CATEGORIES, MARKETPLACE_SCHEMAS, presentReview, presentTemplate, snapshotConfig, SORTS, templateRules, toolDefinition,
	type ReviewDoc, type TemplateDoc
} from "./model";

interface MarketplaceThis extends PlatformThis {
	repos: { templates: Repository<TemplateDoc>; reviews: Repository<ReviewDoc> };
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

const SORT_OF: Record<(typeof SORTS)[number], Record<string, 1 | -1>> = {
	newest: { created_at: -1, id: -1 },
	popular: { installs: -1, created_at: -1, id: -1 },
	rating: { rating_mean: -1, rating_count: -1, created_at: -1, id: -1 }
};

/** Templates this org may see: its own, every public one, the built-ins. */
const visibleTo = (orgId: string): Filter => ({ $or: [{ author_org_id: orgId }, { visibility: "public" }] });

const MarketplaceService: Schema<MarketplaceThis> = {
	name: "marketplace",
	mixins: [StoreMixin({ templates: [{ fields: ["org_id", "name"], unique: true }, { fields: ["visibility"] }], reviews: [{ fields: ["org_id", "template_id"], unique: true }, { fields: ["template_id"] }] })],
	settings: { rest: "/marketplace" },
	dependencies: ["agents", "tools"],
	metadata: { schemas: MARKETPLACE_SCHEMAS },

	actions: {
		listTemplates: {
			rest: "GET /templates",
			access: ["marketplace:read"],
			openapi: { summary: "Browse the templates this org can see (its own, public and built-in)", response: "List:Template" },
			params: {
				...LIST_QUERY,
				category: query({ type: "enum", values: [...CATEGORIES] }),
				tag: query({ type: "string", max: 32 }),
				search: query({ type: "string", min: 1, max: 200 }),
				source: query({ type: "enum", values: ["builtin", "org"] }),
				mine: query({ type: "boolean" }),
				sort: query({ type: "enum", values: [...SORTS] })
			},
			async handler(this: MarketplaceThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const conditions: Filter[] = [visibleTo(orgId)];
				if (p.search) conditions.push(substringFilter(p.search, ["name", "description"]));
				const filter: Filter = { $and: conditions };
				if (p.category) filter.category = p.category;
				if (p.tag) filter.tags = p.tag;
				if (p.source) filter.source = p.source;
				if (p.mine === true) filter.author_org_id = orgId;
				if (p.mine === false) filter.author_org_id = { $ne: orgId };
				const limit = p.limit ?? 50;
				const offset = p.offset ?? 0;
				const templates = this.repos.templates.platformWide();
				const sort = p.sort ? SORT_OF[p.sort as keyof typeof SORT_OF] : p.order === "asc" ? { created_at: 1, id: 1 } : SORT_OF.newest;
				const [items, total] = await Promise.all([templates.find(filter, { sort: sort as any, skip: offset, limit }), templates.count(filter)]);
				return { items: items.map(presentTemplate), total, limit, offset };
			}
		},

		getTemplate: {
			rest: "GET /templates/:template_id",
			access: ["marketplace:read"],
			openapi: { summary: "Get a template this org can see", response: "Template" },
			params: { template_id: "string" },
			async handler(this: MarketplaceThis, ctx: Ctx) {
				return presentTemplate(await this.requireVisible(ctx.meta.principal.org_id, ctx.params.template_id));
			}
		},

		createTemplate: {
			rest: "POST /templates",
			access: ["marketplace:write"],
			audit: { action: "template.create" },
			openapi: { summary: "Publish a template from an agent of this org", status: 201, response: "Template" },
			params: { agent_id: { type: "string", min: 1, max: 64 }, ...templateRules(false) },
			async handler(this: MarketplaceThis, ctx: Ctx) {
				const p = ctx.params;
				const principal = ctx.meta.principal;
				const snapshot = await this.snapshotOf(ctx, p.agent_id);
				const org: any = await ctx.call("admin.getOrg", { id: principal.org_id });
				const doc = await writeUnique("name", p.name, () =>
					this.repos.templates.forOrg(principal.org_id).insert({
						id: newId("tpl"),
						name: p.name,
						description: p.description ?? "",
						category: p.category,
						tags: p.tags ?? [],
						visibility: p.visibility ?? "org",
						source: "org",
						author_org_id: principal.org_id,
						author_name: org?.name ?? null,
						...snapshot,
						version: 1,
						installs: 0,
						rating_sum: 0,
						rating_count: 0,
						rating_mean: -1
					} as Partial<TemplateDoc> & { id: string })
				);
				return presentTemplate(doc);
			}
		},

		updateTemplate: {
			rest: "PUT /templates/:template_id",
			access: ["marketplace:write"],
			audit: { action: "template.update" },
			openapi: { summary: "Change an own template; `agent_id` refreshes its snapshot (version + 1)", response: "Template" },
			params: { template_id: "string", agent_id: { type: "string", min: 1, max: 64, optional: true }, ...templateRules(true) },
			async handler(this: MarketplaceThis, ctx: Ctx) {
				const { template_id, agent_id, ...fields } = ctx.params;
				const template = await this.requireOwn(ctx.meta.principal.org_id, template_id);
				const set: Record<string, unknown> = {};
				for (const key of Object.keys(templateRules(true))) if (fields[key] !== undefined) set[key] = fields[key];
				const extra = agent_id !== undefined ? { $inc: { version: 1 } } : {};
				if (agent_id !== undefined) Object.assign(set, await this.snapshotOf(ctx, agent_id));
				const updated = await writeUnique("name", set.name, () => this.repos.templates.forOrg(template.org_id).update(template.id, set as Partial<TemplateDoc>, extra));
				return presentTemplate(updated as TemplateDoc);
			}
		},

		deleteTemplate: {
			rest: "DELETE /templates/:template_id",
			access: ["marketplace:write"],
			audit: { action: "template.delete" },
			openapi: { summary: "Delete an own template (installed agents are unaffected)", status: 204 },
			params: { template_id: "string" },
			async handler(this: MarketplaceThis, ctx: Ctx) {
				const template = await this.requireOwn(ctx.meta.principal.org_id, ctx.params.template_id);
				await this.repos.templates.forOrg(template.org_id).delete(template.id);
				await this.repos.reviews.platformWide().deleteMany({ template_id: template.id });
				return null;
			}
		},

		install: {
			rest: "POST /templates/:template_id/install",
			access: ["agents:write", "marketplace:read"],
			audit: { action: "template.install" },
			openapi: { summary: "Install a template as a draft agent of this org, with its tools", status: 201, response: "Agent" },
			params: { template_id: "string", name: { type: "string", min: 1, max: 200 }, model: { type: "string", min: 1, max: 200, optional: true }, description: { type: "string", max: 2000, optional: true } },
			async handler(this: MarketplaceThis, ctx: Ctx) {
				const p = ctx.params;
				const principal = ctx.meta.principal;
				const template = await this.requireVisible(principal.org_id, p.template_id);
				const agentBody: Record<string, unknown> = { ...template.config, name: p.name, model: p.model ?? template.config.model, description: p.description ?? template.description };
				for (const key of Object.keys(agentBody)) if (agentBody[key] === null) delete agentBody[key];
				await this.checkInstallable(ctx, agentBody);
				const { toolIds, created } = await this.toolsFor(ctx, template);
				let agent: any;
				try {
					agent = await ctx.call("agents.createAgent", { ...agentBody, tools: toolIds }, { meta: { principal } });
				} catch (err) {
					// A 4xx changes nothing: the tools made for this install go again.
					for (const id of created) await ctx.call("tools.remove", { tool_id: id }, { meta: { principal } }).catch(() => undefined);
					throw err;
				}
				await this.repos.templates.platformWide().updateWhere({ id: template.id }, { $inc: { installs: 1 } });
				ctx.meta.auditResourceId = template.id;
				return agent;
			}
		},

		categories: {
			rest: "GET /categories",
			access: ["marketplace:read"],
			openapi: { summary: "Template categories with the number of templates this org can see", response: "List:Category" },
			async handler(this: MarketplaceThis, ctx: Ctx) {
				const visible = await this.repos.templates.platformWide().find(visibleTo(ctx.meta.principal.org_id));
				const items = CATEGORIES.map(category => ({ category, template_count: visible.filter(t => t.category === category).length }));
				return { items, total: items.length, limit: items.length, offset: 0 };
			}
		},

		createReview: {
			rest: "POST /templates/:template_id/reviews",
			access: ["marketplace:write"],
			audit: { action: "review.create" },
			openapi: { summary: "Review a template of another org (one review per org)", status: 201, response: "Review" },
			params: { template_id: "string", rating: { type: "number", integer: true, min: 1, max: 5 }, comment: { type: "string", max: 2000, optional: true } },
			async handler(this: MarketplaceThis, ctx: Ctx) {
				const p = ctx.params;
				const principal = ctx.meta.principal;
				const template = await this.requireVisible(principal.org_id, p.template_id);
				if (template.author_org_id === principal.org_id) throw errors.fieldError("template_id", "is a template of your own organization: reviews come from other organizations");
				let review: ReviewDoc;
				try {
					review = await this.repos.reviews.forOrg(principal.org_id).insert({ id: newId("rev"), template_id: template.id, rating: p.rating, comment: p.comment ?? "", author_name: principal.name });
				} catch (err) {
					if (err instanceof UniqueViolation) throw errors.alreadyExists("template_id", template.id);
					throw err;
				}
				const rated = await this.repos.templates.platformWide().updateWhere({ id: template.id }, { $inc: { rating_sum: p.rating, rating_count: 1 } });
				if (rated) await this.repos.templates.platformWide().updateWhere({ id: template.id }, { $set: { rating_mean: rated.rating_sum / rated.rating_count } });
				return presentReview(review);
			}
		},

		listReviews: {
			rest: "GET /templates/:template_id/reviews",
			access: ["marketplace:read"],
			openapi: { summary: "Reviews of a template", response: "List:Review" },
			params: { template_id: "string", ...LIST_QUERY },
			async handler(this: MarketplaceThis, ctx: Ctx) {
				const template = await this.requireVisible(ctx.meta.principal.org_id, ctx.params.template_id);
				const reviews = this.repos.reviews.platformWide();
				const limit = ctx.params.limit ?? 50;
				const offset = ctx.params.offset ?? 0;
				const dir = ctx.params.order === "asc" ? 1 : -1;
				const [items, total] = await Promise.all([
					reviews.find({ template_id: template.id }, { sort: { created_at: dir, id: dir }, skip: offset, limit }),
					reviews.count({ template_id: template.id })
				]);
				return { items: items.map(presentReview), total, limit, offset };
			}
		}
	},

	methods: {
		async requireVisible(this: MarketplaceThis, orgId: string, id: string): Promise<TemplateDoc> {
			const template = await this.repos.templates.platformWide().findOne({ id, ...visibleTo(orgId) });
			if (!template) throw errors.notFound("Template");
			return template;
		},

		/** A template the caller may change: its own org's; a built-in is visible but immutable, another org's is nonexistent. */
		async requireOwn(this: MarketplaceThis, orgId: string, id: string): Promise<TemplateDoc> {
			const template = await this.requireVisible(orgId, id);
			if (template.source === "builtin") throw errors.builtinImmutable("This template");
			if (template.author_org_id !== orgId) throw errors.notFound("Template");
			return template;
		},

		/** The agent's current configuration and its tools' definitions. */
		async snapshotOf(this: MarketplaceThis, ctx: Ctx, agentId: string) {
			const principal = ctx.meta.principal;
			const found: any = await ctx.call("agents.getForRun", { org_id: principal.org_id, agent_id: agentId });
			if (!found) throw errors.referenceNotFound("agent_id", "Agent");
			const tools = await Promise.all((found.config.tools ?? []).map((id: string) => ctx.call("tools.get", { tool_id: id }, { meta: { principal } }).catch(() => null)));
			return { config: snapshotConfig(found.config), tools: tools.filter(Boolean).map((t: any) => toolDefinition(t)) };
		},

		/** Refusals that must come before anything is created: a taken agent name, an unknown model. */
		async checkInstallable(this: MarketplaceThis, ctx: Ctx, agent: Record<string, unknown>) {
			const principal = ctx.meta.principal;
			const same: any = await ctx.call("agents.listAgents", { search: agent.name, limit: 200 }, { meta: { principal } });
			if (same.items.some((a: any) => a.name === agent.name)) throw errors.alreadyExists("name", agent.name);
			const known = await ctx.call("providers.modelExists", { org_id: principal.org_id, model: agent.model }).catch(() => true);
			if (!known) throw errors.fieldError("model", `is not a model of the catalogue: ${String(agent.model)}`);
		},

		/** The org's tool of each template tool's name, or a new one from the definition. */
		async toolsFor(this: MarketplaceThis, ctx: Ctx, template: TemplateDoc): Promise<{ toolIds: string[]; created: string[] }> {
			const principal = ctx.meta.principal;
			const toolIds: string[] = [];
			const created: string[] = [];
			try {
				for (const def of template.tools) {
					const existing: any = await ctx.call("tools.list", { search: def.name, limit: 200 }, { meta: { principal } });
					const same = existing.items.find((t: any) => t.name === def.name);
					if (same) {
						toolIds.push(same.id);
						continue;
					}
					const tool: any = await ctx.call("tools.create", def, { meta: { principal } });
					created.push(tool.id);
					toolIds.push(tool.id);
				}
			} catch (err) {
				for (const id of created) await ctx.call("tools.remove", { tool_id: id }, { meta: { principal } }).catch(() => undefined);
				throw err;
			}
			return { toolIds, created };
		},

		async seedBuiltins(this: MarketplaceThis) {
			const builtins = this.repos.templates.forOrg(BUILTIN_ORG);
			for (const t of BUILTIN_TEMPLATES) {
				if (await builtins.findOne({ name: t.name })) continue;
				await builtins
					.insert({
						id: newId("tpl"),
						name: t.name,
						description: t.description,
						category: t.category as TemplateDoc["category"],
						tags: t.tags,
						visibility: "public",
						source: "builtin",
						author_org_id: null,
						author_name: null,
						config: snapshotConfig(t.config),
						tools: [],
						version: 1,
						installs: 0,
						rating_sum: 0,
						rating_count: 0,
						rating_mean: -1
					} as Partial<TemplateDoc> & { id: string })
					.catch(err => {
						if (!(err instanceof UniqueViolation)) throw err;
					});
			}
		}
	},

	async started(this: MarketplaceThis) {
		await this.seedBuiltins();
	}
};

export default MarketplaceService;
