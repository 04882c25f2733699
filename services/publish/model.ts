import { randomBytes } from "node:crypto";
import type { FieldProblem } from "../../lib/errors";
import { BOOLEAN, entitySchema, enumOf, NULLABLE_STRING, objectSchema, STRING, STRINGS, INTEGER } from "../../lib/openapi-schema";
import { displayName, slug } from "../../lib/validation";

export const RATE_PERIODS = ["minute", "hour"] as const;
export const WIDGET_THEMES = ["light", "dark"] as const;
export const WIDGET_POSITIONS = ["bottom-right", "bottom-left"] as const;

export type RatePeriod = (typeof RATE_PERIODS)[number];

export interface RateLimit {
	max_requests: number;
	period: RatePeriod;
}

export interface Widget {
	title: string;
	greeting: string;
	theme: (typeof WIDGET_THEMES)[number];
	primary_color: string;
	position: (typeof WIDGET_POSITIONS)[number];
}

export interface PublicationDoc {
	id: string;
	org_id: string;
	agent_id: string;
	slug: string;
	name: string;
	description: string;
	public_key: string;
	allowed_origins: string[];
	rate_limit: RateLimit;
	enabled: boolean;
	mcp_enabled: boolean;
	customer_id: string | null;
	widget: Widget;
	created_at: string;
	updated_at: string;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { max_requests: 30, period: "minute" };
const DEFAULT_WIDGET: Omit<Widget, "title"> = { greeting: "Hi! How can I help?", theme: "light", primary_color: "#4F46E5", position: "bottom-right" };

export const PUBLIC_KEY_PATTERN = /^fgp_[A-Za-z0-9_-]{32}$/;
/** `scheme://host[:port]` (no path, no trailing slash), or `*`. */
export const ORIGIN_PATTERN = "^(\\*|[a-z][a-z0-9+.-]*://([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?)$";

/** `fgp_` + 32 URL-safe characters from a CSPRNG (24 random bytes). */
export const newPublicKey = (): string => `fgp_${randomBytes(24).toString("base64url")}`;

export const publicPath = (slugValue: string) => `/api/v1/public/${slugValue}`;

/** Field rules shared by create and update (update makes each optional). */
export const FIELD_RULES = {
	slug: slug({ optional: true }),
	name: displayName({ optional: true }),
	description: { type: "string", max: 2000, optional: true },
	allowed_origins: { type: "array", min: 1, max: 20, items: { type: "string", pattern: ORIGIN_PATTERN, max: 300, messages: { stringPattern: "must be scheme://host[:port] (no path) or *" } } },
	rate_limit: {
		type: "object",
		optional: true,
		strict: false,
		props: {
			max_requests: { type: "number", integer: true, min: 1, max: 1_000_000, optional: true },
			period: { type: "enum", values: [...RATE_PERIODS], optional: true }
		}
	},
	enabled: { type: "boolean", optional: true },
	mcp_enabled: { type: "boolean", optional: true },
	customer_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
	widget: {
		type: "object",
		optional: true,
		strict: false,
		props: {
			title: displayName({ optional: true }),
			greeting: { type: "string", max: 500, optional: true },
			theme: { type: "enum", values: [...WIDGET_THEMES], optional: true },
			primary_color: { type: "string", pattern: "^#[0-9A-Fa-f]{6}$", optional: true },
			position: { type: "enum", values: [...WIDGET_POSITIONS], optional: true }
		}
	}
};

/** The fields a client sent (the validator may leave absent optional fields as `undefined`). */
const sent = <T extends object>(given: T | undefined): Partial<T> => Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

export const rateLimitOf = (given: Partial<RateLimit> | undefined): RateLimit => ({ ...DEFAULT_RATE_LIMIT, ...sent(given) });

/** A widget object is replaced as a whole (§0.6): missing settings take their defaults, the title the publication's name. */
export const widgetOf = (given: Partial<Widget> | undefined, name: string): Widget => ({ title: name, ...DEFAULT_WIDGET, ...sent(given) });

/** `allowed_origins` entries compared as browsers send `Origin` (scheme and host are case-insensitive). */
export const normalizeOrigins = (origins: string[]): string[] => [...new Set(origins.map(o => o.toLowerCase()))];

export function slugProblems(doc: PublicationDoc, given: unknown): FieldProblem[] {
	return given !== undefined && given !== doc.slug ? [{ field: "slug", message: "is immutable: delete the publication and publish again to change it" }] : [];
}

export function presentPublication(doc: PublicationDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		agent_id: doc.agent_id,
		slug: doc.slug,
		name: doc.name,
		description: doc.description,
		public_key: doc.public_key,
		allowed_origins: doc.allowed_origins,
		rate_limit: doc.rate_limit,
		enabled: doc.enabled,
		mcp_enabled: doc.mcp_enabled,
		customer_id: doc.customer_id ?? null,
		widget: doc.widget,
		public_url: publicPath(doc.slug),
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

/** Row 8: what a visitor's page may know about the publication. */
export const presentPublic = (doc: PublicationDoc) => ({ slug: doc.slug, name: doc.name, description: doc.description, widget: doc.widget, mcp_enabled: doc.mcp_enabled });

const WIDGET_SCHEMA = objectSchema({
	title: STRING,
	greeting: STRING,
	theme: enumOf(WIDGET_THEMES),
	primary_color: STRING,
	position: enumOf(WIDGET_POSITIONS)
});

export const PUBLICATION_SCHEMA = entitySchema({
	agent_id: STRING,
	slug: STRING,
	name: STRING,
	description: STRING,
	public_key: { type: "string", pattern: PUBLIC_KEY_PATTERN.source },
	allowed_origins: STRINGS,
	rate_limit: objectSchema({ max_requests: INTEGER, period: enumOf(RATE_PERIODS) }),
	enabled: BOOLEAN,
	mcp_enabled: BOOLEAN,
	customer_id: NULLABLE_STRING,
	widget: WIDGET_SCHEMA,
	public_url: STRING
});

export const PUBLIC_INFO_SCHEMA = objectSchema({ slug: STRING, name: STRING, description: STRING, widget: WIDGET_SCHEMA, mcp_enabled: BOOLEAN });

export const EMBED_SCHEMA = objectSchema({ script_tag: STRING, iframe_tag: STRING, widget_url: STRING, chat_url: STRING });
