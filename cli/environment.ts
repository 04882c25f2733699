import os from "node:os";
import path from "node:path";

/** Everything the CLI reads from its environment, read here once (the CLI's counterpart of lib/config.ts). */
export interface CliEnvironment {
	url: string | undefined;
	apiKey: string | undefined;
	profile: string | undefined;
	configFile: string;
	noColor: boolean;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
	const configHome = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), ".config");
	return {
		url: env.FLUXGATE_URL || undefined,
		apiKey: env.FLUXGATE_API_KEY || undefined,
		profile: env.FLUXGATE_PROFILE || undefined,
		configFile: path.join(configHome, "fluxgate", "config.json"),
		noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== ""
	};
}
