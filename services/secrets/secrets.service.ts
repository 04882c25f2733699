import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { FluxError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Repository } from "../../lib/store";
import { writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query, withBodyChecks } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { referencedNames, replaceReferences } from "./references";
import {
	isRotationDue,
	nextRotationAt,
	presentSecret,
	rotationDueFilter,
	scopeProblems,
	SECRET_NAME,
	SECRET_SCHEMA,
	SECRET_SCOPES,
	SECRET_TYPES,
	valueChangedAt,
	type SecretDoc
} from "./secrets";
import { decryptValue, encryptValue } from "./vault";

interface SecretsThis extends PlatformThis {
	repos: { secrets: Repository<SecretDoc> };
	rotationTimers: NodeJS.Timeout[];
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

const DAY_MS = 24 * 60 * 60 * 1000;
const VALUE_RULE = { type: "string", min: 1, max: 65536 };
const DESCRIPTION_RULE = { type: "string", max: 2000, optional: true };
const ROTATION_DAYS_RULE = { type: "number", integer: true, min: 1, max: 3650, optional: true, nullable: true };

const SecretsService: Schema<SecretsThis> = {
	name: "secrets",
	mixins: [StoreMixin({ secrets: [{ fields: ["org_id", "scope", "agent_id", "name"], unique: true }, { fields: ["next_rotation_at"] }] })],
	settings: { rest: "/secrets" },
	dependencies: ["admin"],
	metadata: { schemas: { Secret: SECRET_SCHEMA } },

	actions: {
		createSecret: {
			rest: "POST /",
			access: ["secrets:write"],
			audit: { action: "secret.create" },
			openapi: { summary: "Store a secret (its value never comes back)", status: 201, response: "Secret" },
			params: {
				name: { type: "string", pattern: SECRET_NAME },
				value: VALUE_RULE,
				type: withBodyChecks({ type: "enum", values: [...SECRET_TYPES] }, body => scopeProblems(body.scope ?? "global", body.agent_id)),
				scope: { type: "enum", values: [...SECRET_SCOPES], optional: true },
				agent_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
				description: DESCRIPTION_RULE,
				rotation_days: ROTATION_DAYS_RULE
			},
			async handler(this: SecretsThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const scope = p.scope ?? "global";
				const agentId: string | null = scope === "agent" ? p.agent_id : null;
				if (agentId) await this.requireAgent(ctx, orgId, agentId);
				const repo = this.repos.secrets.forOrg(orgId);
				const id = newId("sec");
				const now = nowIso();
				const rotationDays = p.rotation_days ?? null;
				const doc = await writeUnique("name", p.name, () =>
					repo.insert({
						id,
						name: p.name,
						ciphertext: this.seal(orgId, id, p.value),
						type: p.type,
						scope,
						agent_id: agentId,
						description: p.description ?? "",
						rotation_days: rotationDays,
						version: 1,
						last_rotated_at: null,
						next_rotation_at: nextRotationAt(now, rotationDays),
						due_notified_for: null,
						created_at: now,
						updated_at: now
					})
				);
				return presentSecret(doc);
			}
		},

		listSecrets: {
			rest: "GET /",
			access: ["secrets:read"],
			openapi: { summary: "List secrets (metadata only)", response: "List:Secret" },
			params: {
				...LIST_QUERY,
				scope: query({ type: "enum", values: [...SECRET_SCOPES] }),
				agent_id: query({ type: "string", max: 64 }),
				type: query({ type: "enum", values: [...SECRET_TYPES] }),
				rotation_due: query({ type: "boolean" })
			},
			async handler(this: SecretsThis, ctx: Ctx) {
				const p = ctx.params;
				let filter: Record<string, any> = {};
				for (const key of ["scope", "agent_id", "type"]) if (p[key] !== undefined) filter[key] = p[key];
				if (p.rotation_due !== undefined) filter = { ...filter, ...rotationDueFilter(p.rotation_due, nowIso()) };
				const page = await this.repos.secrets.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(p));
				return { ...page, items: page.items.map(presentSecret) };
			}
		},

		getSecret: {
			rest: "GET /:secret_id",
			access: ["secrets:read"],
			openapi: { summary: "Get a secret's metadata", response: "Secret" },
			params: { secret_id: "string" },
			async handler(this: SecretsThis, ctx: Ctx) {
				return presentSecret(await this.requireSecret(ctx, ctx.params.secret_id));
			}
		},

		updateSecret: {
			rest: "PUT /:secret_id",
			access: ["secrets:write"],
			audit: { action: "secret.update" },
			openapi: { summary: "Change a secret; a new value counts as a rotation", response: "Secret" },
			params: {
				secret_id: "string",
				value: { ...VALUE_RULE, optional: true },
				type: { type: "enum", values: [...SECRET_TYPES], optional: true },
				description: DESCRIPTION_RULE,
				rotation_days: ROTATION_DAYS_RULE,
				name: { type: "any", optional: true },
				scope: { type: "any", optional: true },
				agent_id: { type: "any", optional: true }
			},
			async handler(this: SecretsThis, ctx: Ctx) {
				const p = ctx.params;
				const secret = await this.requireSecret(ctx, p.secret_id);
				const problems = (["name", "scope", "agent_id"] as const)
					.filter(f => p[f] !== undefined && p[f] !== (secret[f] ?? null))
					.map(f => ({ field: f, message: "is immutable: delete the secret and create it again" }));
				if (problems.length) throw errors.validation(problems);
				const set: Partial<SecretDoc> = {};
				if (p.type !== undefined) set.type = p.type;
				if (p.description !== undefined) set.description = p.description;
				let rotationDays = secret.rotation_days;
				if (p.rotation_days !== undefined) {
					rotationDays = p.rotation_days;
					set.rotation_days = rotationDays;
					set.next_rotation_at = nextRotationAt(valueChangedAt(secret), rotationDays);
				}
				if (p.value !== undefined) Object.assign(set, this.rotation(secret, p.value, rotationDays));
				const updated = (await this.repos.secrets.forOrg(secret.org_id).update(secret.id, set)) as SecretDoc;
				if (p.value !== undefined) this.emitRotated(ctx, updated);
				return presentSecret(updated);
			}
		},

		deleteSecret: {
			rest: "DELETE /:secret_id",
			access: ["secrets:write"],
			audit: { action: "secret.delete" },
			openapi: { summary: "Delete a secret; references to it then fail with SECRET_NOT_FOUND", status: 204 },
			params: { secret_id: "string" },
			async handler(this: SecretsThis, ctx: Ctx) {
				const secret = await this.requireSecret(ctx, ctx.params.secret_id);
				await this.repos.secrets.forOrg(secret.org_id).delete(secret.id);
				return null;
			}
		},

		rotateSecret: {
			rest: "POST /:secret_id/rotate",
			access: ["secrets:write"],
			audit: { action: "secret.rotate" },
			openapi: { summary: "Replace a secret's value (version +1)", response: "Secret" },
			params: { secret_id: "string", value: VALUE_RULE },
			async handler(this: SecretsThis, ctx: Ctx) {
				const secret = await this.requireSecret(ctx, ctx.params.secret_id);
				const set = this.rotation(secret, ctx.params.value, secret.rotation_days);
				const updated = (await this.repos.secrets.forOrg(secret.org_id).update(secret.id, set)) as SecretDoc;
				this.emitRotated(ctx, updated);
				return presentSecret(updated);
			}
		},

		// Internal actions for other services.

		/**
		 * Deep-resolves `{{secrets.NAME}}` references inside the strings of `value`; an agent-scoped
		 * secret of `agent_id` wins over a global one. Returns the resolved copy and the values used,
		 * so callers can mask them (`maskSecrets`) in anything they record.
		 */
		resolve: {
			visibility: "public",
			params: { org_id: "string", agent_id: { type: "string", optional: true, nullable: true }, value: { type: "any", optional: true } },
			async handler(this: SecretsThis, ctx: Context<{ org_id: string; agent_id?: string | null; value: unknown }>) {
				const { org_id, agent_id, value } = ctx.params;
				const names = referencedNames(value);
				if (!names.size) return { value, masks: [] };
				const candidates = await this.repos.secrets.forOrg(org_id).find({ name: { $in: [...names] } });
				const chosen = new Map<string, SecretDoc>();
				for (const doc of candidates) {
					if (doc.scope === "global" && !chosen.has(doc.name)) chosen.set(doc.name, doc);
					if (doc.scope === "agent" && agent_id && doc.agent_id === agent_id) chosen.set(doc.name, doc);
				}
				for (const name of names) {
					if (!chosen.has(name)) throw new FluxError(404, "SECRET_NOT_FOUND", `Secret ${name} is not defined`);
				}
				const plain = new Map([...chosen].map(([name, doc]) => [name, this.open(doc)]));
				return { value: replaceReferences(value, name => plain.get(name) as string), masks: [...new Set(plain.values())] };
			}
		},

		/** Emits `secret.rotation_due` once per due date for every secret past `next_rotation_at`; runs daily. */
		flagRotationDue: {
			visibility: "public",
			async handler(this: SecretsThis) {
				return this.flagDue();
			}
		}
	},

	methods: {
		async requireSecret(this: SecretsThis, ctx: Ctx, id: string): Promise<SecretDoc> {
			const secret = await this.repos.secrets.forOrg(ctx.meta.principal.org_id).get(id);
			if (!secret) throw errors.notFound("Secret");
			return secret;
		},

		async requireAgent(this: SecretsThis, ctx: Ctx, orgId: string, agentId: string) {
			const exists = await callIfPresent(this.broker, "agents.exists", { org_id: orgId, agent_id: agentId }, false, ctx);
			if (!exists) throw errors.referenceNotFound("agent_id", "Agent");
		},

		seal(this: SecretsThis, orgId: string, id: string, value: string): string {
			return encryptValue(value, this.platform.masterKey, `${orgId}:${id}`);
		},

		open(this: SecretsThis, doc: SecretDoc): string {
			return decryptValue(doc.ciphertext, this.platform.masterKey, `${doc.org_id}:${doc.id}`);
		},

		/** The fields a new value changes (§14 row 6). */
		rotation(this: SecretsThis, secret: SecretDoc, value: string, rotationDays: number | null): Partial<SecretDoc> {
			const now = nowIso();
			return {
				ciphertext: this.seal(secret.org_id, secret.id, value),
				version: secret.version + 1,
				last_rotated_at: now,
				next_rotation_at: nextRotationAt(now, rotationDays)
			};
		},

		emitRotated(this: SecretsThis, ctx: Context, doc: SecretDoc) {
			ctx.broadcast("secret.rotated", { org_id: doc.org_id, secret_id: doc.id, name: doc.name });
		},

		async flagDue(this: SecretsThis): Promise<{ flagged: number }> {
			const all = this.repos.secrets.platformWide();
			const due = await all.find({ next_rotation_at: { $lte: nowIso() } });
			let flagged = 0;
			for (const doc of due) {
				if (!isRotationDue(doc) || doc.due_notified_for === doc.next_rotation_at) continue;
				// Claiming the due date first makes each node's sweep emit an event at most once.
				const claimed = await all.updateWhere(
					{ id: doc.id, next_rotation_at: doc.next_rotation_at, due_notified_for: doc.due_notified_for ?? null },
					{ $set: { due_notified_for: doc.next_rotation_at } }
				);
				if (!claimed) continue;
				flagged++;
				this.broker.broadcast("secret.rotation_due", { org_id: doc.org_id, secret_id: doc.id, name: doc.name });
			}
			return { flagged };
		}
	},

	started(this: SecretsThis) {
		const sweep = () => this.flagDue().catch((err: unknown) => this.logger.warn({ err }, "Flagging secrets due for rotation failed"));
		this.rotationTimers = [setInterval(sweep, DAY_MS), setTimeout(sweep, 5000)];
		this.rotationTimers.forEach(t => t.unref());
	},

	stopped(this: SecretsThis) {
		this.rotationTimers?.forEach(t => clearTimeout(t));
	}
};

export default SecretsService;
