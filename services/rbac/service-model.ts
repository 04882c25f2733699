import type { Context } from "moleculer";
import { randomUrlSafe } from "../../lib/crypto";
import type { Principal } from "../../lib/principal";
import type { Repository } from "../../lib/store";
import type { PlatformThis } from "../../mixins/platform.mixin";
import type { RoleDoc } from "./access";
import type { ApiKeyDoc, UserDoc } from "./users";

// The RBAC service's shape (its `this` and context) and the rules its files share.
export interface RbacThis extends PlatformThis {
	repos: { roles: Repository<RoleDoc>; users: Repository<UserDoc>; api_keys: Repository<ApiKeyDoc> };
	[k: string]: any;
}

export type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

export const ROLES_RULE = { type: "array", items: "string", min: 1, max: 50 };
export const PERMS_RULE = { type: "array", items: "string", max: 104 };

/** A new API key: `fgk_` and 40 URL-safe characters from a CSPRNG (§0.2). */
export const generateApiKey = () => `fgk_${randomUrlSafe(40)}`;
