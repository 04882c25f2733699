import type { ServiceSchema } from "moleculer";
import type { Config } from "../lib/config";
import { platformOf, type Platform } from "../lib/platform";
import type { Doc, IndexSpec, Repository, Store } from "../lib/store";

export interface PlatformThis {
	platform: Platform;
	config: Config;
	store: Store;
}

/** Gives a service its node's platform: configuration, store and Redis client. */
export const PlatformMixin: Partial<ServiceSchema> = {
	created(this: any) {
		this.platform = platformOf(this.broker);
		this.config = this.platform.config;
		this.store = this.platform.store;
	}
};

export type Collections = Record<string, IndexSpec[]>;

/**
 * Opens the service's own collections into `this.repos` before it starts, and adds the internal
 * `purgeOrg` action that deletes the service's data of one org (org deletion, §26).
 */
export function StoreMixin(collections: Collections): Partial<ServiceSchema> {
	return {
		mixins: [PlatformMixin],
		actions: {
			purgeOrg: {
				visibility: "public",
				params: { org_id: "string" },
				async handler(this: any, ctx: any) {
					let deleted = 0;
					for (const repo of Object.values(this.repos) as Repository[]) deleted += await repo.forOrg(ctx.params.org_id).deleteMany();
					return { deleted };
				}
			}
		},
		async started(this: any) {
			this.repos = {};
			for (const [name, indexes] of Object.entries(collections)) {
				this.store.claim(name, this.name);
				this.repos[name] = await this.store.repository(name, indexes);
			}
		}
	};
}

export type Repos<K extends string> = Record<K, Repository<Doc>>;
