import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { writeUnique, type Filter, type Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { embedCodes } from "./embed";
import {
	EMBED_SCHEMA, FIELD_RULES, newPublicKey, normalizeOrigins, presentPublication, PUBLICATION_SCHEMA, rateLimitOf, slugProblems, widgetOf,
	type PublicationDoc
} from "./model";

interface PublishThis extends PlatformThis {
	repos: { publications: Repository<PublicationDoc> };
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; client?: { base_url?: string }; auditResourceId?: string }>;

const optional = (rule: Record<string, unknown>) => ({ ...rule, optional: true });

const PublishService: Schema<PublishThis> = {
	name: "publish",
	mixins: [StoreMixin({ publications: [{ fields: ["slug"], unique: true }, { fields: ["agent_id"], unique: true }, { fields: ["public_key"] }] })],
	settings: { rest: "/publish" },
	metadata: { schemas: { Publication: PUBLICATION_SCHEMA, EmbedCodes: EMBED_SCHEMA } },

	actions: {
		publishAgent: {
			rest: "POST /agents/:agent_id",
			access: ["publish:write"],
			audit: { action: "publication.create" },
			openapi: { summary: "Publish an active agent: public chat, widget and MCP endpoint", status: 201, response: "Publication" },
			params: { agent_id: "string", ...FIELD_RULES },
			async handler(this: PublishThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const agent: any = await ctx.call("agents.get", { org_id: orgId, agent_id: p.agent_id });
				if (!agent) throw errors.notFound("Agent");
				await this.requireCustomer(ctx, orgId, p.customer_id);
				if (agent.status !== "active") {
					throw errors.conflict("AGENT_NOT_ACTIVE", `The agent is ${agent.status}: promote it to active before publishing it`, { status: agent.status });
				}
				const repo = this.repos.publications.forOrg(orgId);
				if (await repo.findOne({ agent_id: p.agent_id })) throw errors.alreadyExists("agent_id", p.agent_id);
				const name = p.name ?? agent.name;
				const doc = await writeUnique("slug", p.slug ?? agent.name, () =>
					repo.insert({
						id: newId("pub"),
						agent_id: p.agent_id,
						slug: p.slug ?? agent.name,
						name,
						description: p.description ?? "",
						public_key: newPublicKey(),
						allowed_origins: normalizeOrigins(p.allowed_origins),
						rate_limit: rateLimitOf(p.rate_limit),
						enabled: p.enabled ?? true,
						mcp_enabled: p.mcp_enabled ?? false,
						customer_id: p.customer_id ?? null,
						widget: widgetOf(p.widget, name)
					})
				);
				ctx.meta.auditResourceId = doc.id;
				if (doc.enabled) this.announce(ctx, "publish.published", doc);
				return presentPublication(doc);
			}
		},

		listPublications: {
			rest: "GET /",
			access: ["publish:read"],
			openapi: { summary: "List publications", response: "List:Publication" },
			params: { ...LIST_QUERY, agent_id: query({ type: "string", max: 64 }), enabled: query({ type: "boolean" }) },
			async handler(this: PublishThis, ctx: Ctx) {
				const filter: Filter = {};
				for (const key of ["agent_id", "enabled"]) if (ctx.params[key] !== undefined) filter[key] = ctx.params[key];
				const page = await this.repos.publications.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentPublication) };
			}
		},

		getPublication: {
			rest: "GET /:publication_id",
			access: ["publish:read"],
			openapi: { summary: "Get a publication", response: "Publication" },
			params: { publication_id: "string" },
			async handler(this: PublishThis, ctx: Ctx) {
				return presentPublication(await this.requirePublication(ctx, ctx.params.publication_id));
			}
		},

		updatePublication: {
			rest: "PUT /:publication_id",
			access: ["publish:write"],
			audit: { action: "publication.update" },
			openapi: { summary: "Change a publication (its slug is immutable)", response: "Publication" },
			params: {
				publication_id: "string",
				...FIELD_RULES,
				slug: { type: "any", optional: true },
				allowed_origins: optional(FIELD_RULES.allowed_origins)
			},
			async handler(this: PublishThis, ctx: Ctx) {
				const p = ctx.params;
				const current = await this.requirePublication(ctx, p.publication_id);
				const problems = slugProblems(current, p.slug);
				if (problems.length) throw errors.validation(problems);
				await this.requireCustomer(ctx, current.org_id, p.customer_id);
				const set: Partial<PublicationDoc> = {};
				for (const key of ["description", "enabled", "mcp_enabled", "customer_id"] as const) if (p[key] !== undefined) (set as any)[key] = p[key];
				if (p.name !== undefined) set.name = p.name;
				if (p.allowed_origins !== undefined) set.allowed_origins = normalizeOrigins(p.allowed_origins);
				if (p.rate_limit !== undefined) set.rate_limit = rateLimitOf(p.rate_limit);
				if (p.widget !== undefined) set.widget = widgetOf(p.widget, set.name ?? current.name);
				if (!Object.keys(set).length) return presentPublication(current);
				const updated = (await this.repos.publications.forOrg(current.org_id).update(current.id, set)) as PublicationDoc | null;
				if (!updated) throw errors.notFound("Publication");
				if (updated.enabled !== current.enabled) this.announce(ctx, updated.enabled ? "publish.published" : "publish.unpublished", updated);
				return presentPublication(updated);
			}
		},

		deletePublication: {
			rest: "DELETE /:publication_id",
			access: ["publish:write"],
			audit: { action: "publication.delete" },
			openapi: { summary: "Unpublish: the public endpoints answer 404 at once (chat sessions are kept)", status: 204 },
			params: { publication_id: "string" },
			async handler(this: PublishThis, ctx: Ctx) {
				const doc = await this.requirePublication(ctx, ctx.params.publication_id);
				if (await this.repos.publications.forOrg(doc.org_id).delete(doc.id)) this.announce(ctx, "publish.unpublished", doc);
				return null;
			}
		},

		embedCodes: {
			rest: "GET /:publication_id/embed",
			access: ["publish:read"],
			openapi: { summary: "Embed codes of a publication: script tag, iframe, URLs", response: "EmbedCodes" },
			params: { publication_id: "string" },
			async handler(this: PublishThis, ctx: Ctx) {
				const doc = await this.requirePublication(ctx, ctx.params.publication_id);
				return embedCodes(doc, this.config.publicUrl ?? ctx.meta.client?.base_url ?? `http://localhost:${this.config.port}`);
			}
		},

		rotateKey: {
			rest: "POST /:publication_id/rotate-key",
			access: ["publish:write"],
			audit: { action: "publication.rotate_key" },
			openapi: { summary: "Replace the public key; the old one stops working at once", response: "Publication" },
			params: { publication_id: "string" },
			async handler(this: PublishThis, ctx: Ctx) {
				const doc = await this.requirePublication(ctx, ctx.params.publication_id);
				const updated = await this.repos.publications.forOrg(doc.org_id).update(doc.id, { public_key: newPublicKey() });
				if (!updated) throw errors.notFound("Publication");
				return presentPublication(updated);
			}
		},

		// Internal actions.

		/** The stored publication of a slug (instance-wide: slugs are unique across orgs), for the public gate. */
		bySlug: {
			visibility: "public",
			params: { slug: "string" },
			handler(this: PublishThis, ctx: Context<{ slug: string }>): Promise<PublicationDoc | null> {
				return this.repos.publications.platformWide().findOne({ slug: ctx.params.slug });
			}
		},

		/** Deleting an agent deletes its publication (§1). */
		purgeAgent: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string" },
			async handler(this: PublishThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const repo = this.repos.publications.forOrg(ctx.params.org_id);
				const doc = await repo.findOne({ agent_id: ctx.params.agent_id });
				if (doc && (await repo.delete(doc.id)) && doc.enabled) this.announce(ctx, "publish.unpublished", doc);
				return doc ? 1 : 0;
			}
		}
	},

	events: {
		/** Archival disables the agent's publication (§5): its public endpoints answer 404. */
		async "lifecycle.promoted"(this: PublishThis, ctx: Context<{ org_id: string; agent_id: string; to_state: string }>) {
			if (ctx.params.to_state !== "archived") return;
			const repo = this.repos.publications.forOrg(ctx.params.org_id);
			const disabled = await repo.updateWhere({ agent_id: ctx.params.agent_id, enabled: true }, { $set: { enabled: false, updated_at: nowIso() } });
			if (disabled) this.announce(ctx, "publish.unpublished", disabled);
		}
	},

	methods: {
		async requirePublication(this: PublishThis, ctx: Ctx, id: string): Promise<PublicationDoc> {
			const doc = await this.repos.publications.forOrg(ctx.meta.principal.org_id).get(id);
			if (!doc) throw errors.notFound("Publication");
			return doc;
		},

		async requireCustomer(this: PublishThis, ctx: Ctx, orgId: string, customerId: string | null | undefined) {
			if (customerId == null) return;
			const exists = await callIfPresent(this.broker, "billing.customerExists", { org_id: orgId, customer_id: customerId }, false, ctx);
			if (!exists) throw errors.referenceNotFound("customer_id", "Customer");
		},

		announce(this: PublishThis, ctx: Context, event: "publish.published" | "publish.unpublished", doc: PublicationDoc) {
			ctx.broadcast(event, { org_id: doc.org_id, publication_id: doc.id, agent_id: doc.agent_id, slug: doc.slug });
		}
	}
};

export default PublishService;
