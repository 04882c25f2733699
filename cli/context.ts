import { createFluxgate, type Fluxgate } from "../sdk/src";
import type { CliEnvironment } from "./environment";
import type { Output } from "./output";
import { loadConfig, saveConfig, type ConfigFile, type Profile } from "./profiles";

/** A mistake in how the CLI was called: exit code 2, with a hint. */
export class UsageError extends Error {}

export interface GlobalFlags {
	url?: string;
	apiKey?: string;
	profile?: string;
}

/** What every command gets: output, the saved profiles, and an SDK client for the chosen gateway and credential. */
export class CommandContext {
	readonly config: ConfigFile;
	readonly profileName: string;

	constructor(
		readonly out: Output,
		readonly env: CliEnvironment,
		readonly flags: GlobalFlags
	) {
		this.config = loadConfig(env.configFile);
		this.profileName = flags.profile ?? env.profile ?? this.config.current;
	}

	get profile(): Profile | undefined {
		return this.config.profiles[this.profileName];
	}

	get url(): string {
		const url = this.flags.url ?? this.env.url ?? this.profile?.url;
		if (!url) throw new UsageError("No gateway URL: run `fluxgate login --url <url> ...`, or pass --url, or set FLUXGATE_URL");
		return url.replace(/\/+$/, "");
	}

	saveProfile(name: string, profile: Profile, makeCurrent = true): void {
		this.config.profiles[name] = profile;
		if (makeCurrent) this.config.current = name;
		saveConfig(this.env.configFile, this.config);
	}

	/** A client with the most specific credential: --api-key, FLUXGATE_API_KEY, then the profile (refreshing its access token when due). */
	async client(): Promise<Fluxgate> {
		const apiKey = this.flags.apiKey ?? this.env.apiKey;
		if (apiKey) return createFluxgate({ baseUrl: this.url, apiKey });
		const profile = this.profile;
		if (!profile || (!profile.api_key && !profile.access_token)) {
			throw new UsageError(`Not logged in (profile "${this.profileName}"): run \`fluxgate login\`, or pass --api-key, or set FLUXGATE_API_KEY`);
		}
		if (profile.api_key) return createFluxgate({ baseUrl: this.url, apiKey: profile.api_key });
		if (profile.refresh_token && (profile.access_expires_at ?? 0) - 30_000 < Date.now()) await this.refresh(profile);
		return createFluxgate({ baseUrl: this.url, accessToken: profile.access_token });
	}

	/** No client: for login, refresh and the other calls that carry no credential. */
	anonymous(url = this.url): Fluxgate {
		return createFluxgate({ baseUrl: url });
	}

	private async refresh(profile: Profile): Promise<void> {
		const pair = await this.anonymous().POST("/api/v1/auth/refresh", { body: { refresh_token: profile.refresh_token! } });
		this.saveProfile(this.profileName, { ...profile, ...tokensOf(pair) }, false);
	}
}

export function tokensOf(pair: { access_token?: string; refresh_token?: string; expires_in?: number }): Partial<Profile> {
	return {
		access_token: pair.access_token,
		refresh_token: pair.refresh_token,
		access_expires_at: Date.now() + (pair.expires_in ?? 900) * 1000
	};
}

/** An agent named by id (`agt_…`) or by its unique name. */
export async function resolveAgentId(fg: Fluxgate, agent: string): Promise<string> {
	if (agent.startsWith("agt_")) return agent;
	const found = await fg.GET("/api/v1/agents", { params: { query: { search: agent, limit: 200 } } });
	const match = found.items.find(a => a.name === agent);
	if (!match) throw new Error(`No agent named "${agent}" in this organization (fluxgate agents list shows them)`);
	return match.id!;
}
