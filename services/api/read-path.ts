import type { ServerResponse } from "node:http";
import type { Context } from "moleculer";
import type { Principal } from "../../lib/principal";
import ApiGateway from "moleculer-web";
import { AliasIndex, sendResult, type Alias, type FoundAlias } from "./fast-reads";
import { clientOf, type ActionDef, type ApiThis, type Req } from "./types";

/** The read path of the gateway: indexed alias lookup and authenticated JSON reads without moleculer-web's pipeline. */
export const readPathMethods = {
	/** moleculer-web's alias lookup, through an index instead of a scan of every alias. */
	resolveAlias(this: ApiThis, url: string, method = "GET"): FoundAlias | false {
		if (!this.aliasIndex?.describes(this.aliases)) this.aliasIndex = new AliasIndex(this.aliases as Alias[]);
		return this.aliasIndex.resolve(url, method);
	},

	regenerateAutoAliases(this: ApiThis, route: unknown) {
		this.aliasIndex = null;
		return (ApiGateway as any).methods.regenerateAutoAliases.call(this, route);
	},

	/**
	 * Authenticated JSON reads are the hot path of the API: they are served here with one context and
	 * the same checks in the same order (§0.9), without moleculer-web's per-request pipeline. Anything
	 * else (bodies, streams, public routes, unknown paths) goes through moleculer-web. Answers whether
	 * it took the request.
	 */
	serveRead(this: ApiThis, req: Req, res: ServerResponse, path: string, search: string): boolean {
		if (!path.startsWith("/api/v1/")) return false;
		const found = this.resolveAlias(path, "GET");
		if (!found) return false;
		const def = (this.broker.registry as any).getActionEndpoints(found.alias.action)?.endpoints[0]?.action as (ActionDef & { params?: object }) | undefined;
		if (!def || def.access === undefined || def.access === "public" || def.access === "publication" || def.openapi?.produces) return false;
		req.parsedUrl = path;
		req.$alias = found.alias;
		req.$action = def;
		void this.answerRead(req, res, found, def, search);
		return true;
	},

	async answerRead(this: ApiThis, req: Req, res: ServerResponse, found: FoundAlias, def: ActionDef, search: string) {
		try {
			req.query = search ? this.parseQueryString(req).query : {};
			const admitted = this.admit(req, res, false);
			const principal: Principal = admitted instanceof Promise ? await admitted : admitted;
			const meta: Record<string, any> = { principal, client: clientOf(req) };
			req.$ctx = { meta } as Context<any, any>;
			this.checkAccess(principal, def.access);
			const params = { ...req.query, ...found.params };
			req.$params = params;
			// An action of this node is called with its handler chain (local-call.ts), others through the broker.
			const endpoint = this.localCalls.endpointOf(found.alias.action);
			const chain = endpoint && this.localCalls.chainOf(endpoint);
			let data: unknown;
			let answered: Record<string, any>;
			if (chain) {
				const ctx = this.localCalls.contextOf(endpoint, params, { requestID: req.$requestId, meta });
				req.$ctx = ctx;
				data = await this.localCalls.run(endpoint, chain, ctx);
				answered = ctx.meta;
			} else {
				const call = this.broker.call(found.alias.action, params, { requestID: req.$requestId, meta });
				data = await call;
				answered = ((call as any).ctx?.meta ?? meta) as Record<string, any>;
			}
			if (sendResult(res, answered.$statusCode ?? def.openapi?.status ?? 200, answered, data)) this.httpMetrics.track(req, res);
			else this.httpMetrics.answered(req, res);
		} catch (err) {
			await this.replyError(req, res, err);
			this.httpMetrics.answered(req, res);
		}
	}
};
