import { createFluxgate } from "../../sdk/src";
import { CommandContext, tokensOf, UsageError } from "../context";
import { details, info, print, printJson, table } from "../output";
import type { Profile } from "../profiles";
import { readSecret } from "../prompt";

export interface LoginOptions {
	email?: string;
	passwordStdin?: boolean;
}

/** `fluxgate login`: checks the credential against /auth/me, then saves it as a profile (API key, or e-mail and password). */
export async function login(ctx: CommandContext, options: LoginOptions): Promise<void> {
	const url = ctx.url;
	const apiKey = ctx.flags.apiKey ?? ctx.env.apiKey;
	let profile: Profile;
	if (apiKey) {
		profile = { url, api_key: apiKey };
	} else if (options.email) {
		const password = await readSecret(ctx.out, "Password: ", !!options.passwordStdin);
		const pair = await ctx.anonymous(url).POST("/api/v1/auth/login", { body: { email: options.email, password } });
		profile = { url, email: options.email, ...tokensOf(pair) };
	} else {
		throw new UsageError("Say how to log in: --api-key <key> (or FLUXGATE_API_KEY), or --email <address> with the password on the prompt or --password-stdin");
	}
	const me = await createFluxgate({ baseUrl: url, apiKey: profile.api_key ?? profile.access_token }).GET("/api/v1/auth/me");
	profile.org = me.org?.slug;
	ctx.saveProfile(ctx.profileName, profile);
	if (ctx.out.json) return void printJson(ctx.out, { profile: ctx.profileName, url, principal_type: me.principal_type, org: me.org });
	info(ctx.out, `Logged in to ${url} as ${who(me)} in ${me.org?.name} (profile "${ctx.profileName}")`);
}

/** `fluxgate logout`: revokes the session (tokens) on the server and forgets the profile's credential. */
export async function logout(ctx: CommandContext): Promise<void> {
	const profile = ctx.profile;
	if (!profile) throw new UsageError(`No profile "${ctx.profileName}" to log out of`);
	if (profile.access_token) {
		const fg = await ctx.client();
		await fg.POST("/api/v1/auth/logout", { body: { refresh_token: profile.refresh_token } }).catch(() => undefined);
	}
	ctx.saveProfile(ctx.profileName, { url: profile.url }, false);
	info(ctx.out, `Logged out of profile "${ctx.profileName}"`);
}

export async function whoami(ctx: CommandContext): Promise<void> {
	const me = await (await ctx.client()).GET("/api/v1/auth/me");
	if (ctx.out.json) return void printJson(ctx.out, me);
	details(ctx.out, { url: ctx.url, principal: who(me), type: me.principal_type, org: `${me.org?.name} (${me.org?.id})`, roles: (me.roles ?? []).join(", ") }, [
		"url",
		"principal",
		"type",
		"org",
		"roles"
	]);
}

/** `fluxgate profiles [use <name>]`: lists saved profiles (never their credentials) or switches the current one. */
export function profiles(ctx: CommandContext, args: string[]): void {
	if (args[0] === "use") {
		const name = args[1];
		if (!name || !ctx.config.profiles[name]) throw new UsageError(`No profile "${name ?? ""}"; saved: ${Object.keys(ctx.config.profiles).join(", ") || "none"}`);
		ctx.saveProfile(name, ctx.config.profiles[name]);
		return void print(ctx.out, `Current profile: ${name}`);
	}
	if (args.length) throw new UsageError(`Unknown: fluxgate profiles ${args.join(" ")}; try \`fluxgate profiles use <name>\``);
	const rows = Object.entries(ctx.config.profiles).map(([name, p]) => ({
		current: name === ctx.config.current ? "*" : "",
		name,
		url: p.url,
		credential: p.api_key ? "api key" : p.access_token ? `login ${p.email ?? ""}`.trim() : "none",
		org: p.org
	}));
	if (ctx.out.json) return void printJson(ctx.out, rows);
	table(ctx.out, rows, ["current", "name", "url", "credential", "org"]);
}

function who(me: { principal_type?: string; user?: { email?: string } | null; api_key?: { name?: string } | null }): string {
	return me.principal_type === "user" ? (me.user?.email ?? "user") : `API key ${me.api_key?.name ?? ""}`.trim();
}
