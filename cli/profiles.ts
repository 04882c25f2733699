import fs from "node:fs";
import path from "node:path";

/** One saved login: where the gateway is and the credential to present there. */
export interface Profile {
	url: string;
	api_key?: string;
	access_token?: string;
	refresh_token?: string;
	/** Epoch milliseconds after which `access_token` must be refreshed first. */
	access_expires_at?: number;
	email?: string;
	org?: string;
}

export interface ConfigFile {
	current: string;
	profiles: Record<string, Profile>;
}

const EMPTY: ConfigFile = { current: "default", profiles: {} };

export function loadConfig(file: string): ConfigFile {
	try {
		const parsed = JSON.parse(fs.readFileSync(file, "utf8"));
		return { current: parsed.current ?? "default", profiles: parsed.profiles ?? {} };
	} catch (err: any) {
		if (err?.code === "ENOENT") return structuredClone(EMPTY);
		throw new Error(`${file} is not valid JSON (${err.message}); fix or delete it`);
	}
}

/** Written owner-only (0600): the file holds credentials. */
export function saveConfig(file: string, config: ConfigFile): void {
	fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
	const temporary = `${file}.${process.pid}.tmp`;
	fs.writeFileSync(temporary, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
	fs.renameSync(temporary, file);
	fs.chmodSync(file, 0o600);
}
