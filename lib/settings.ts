import type { Config } from "./config";

/** Instance settings (§26), one object per instance. */
export interface Settings {
	open_registration: boolean;
	default_rate_limit_per_minute: number;
	mock_provider_enabled: boolean;
	embedding_model: string;
	default_agent_replicas: number;
	audit_retention_days: number;
	event_retention_days: number;
	run_retention_days: number;
	cors_allowed_origins: string[];
	outbound_allowed_hosts: string[];
	allow_private_network: boolean;
	max_body_bytes: number;
	maintenance_mode: boolean;
	maintenance_message: string | null;
	updated_at: string;
}

export function defaultSettings(config: Config): Settings {
	return {
		open_registration: false,
		default_rate_limit_per_minute: config.rateLimitPerMinute,
		mock_provider_enabled: true,
		embedding_model: "mock-embed",
		default_agent_replicas: 4,
		audit_retention_days: 365,
		event_retention_days: 30,
		run_retention_days: 90,
		cors_allowed_origins: [],
		outbound_allowed_hosts: [],
		allow_private_network: config.allowPrivateNetwork,
		max_body_bytes: 1048576,
		maintenance_mode: false,
		maintenance_message: null,
		updated_at: new Date(0).toISOString()
	};
}

/** Settings as seen by one node, refreshed at most every `maxAgeMs` and at once on `settings.changed`. */
export class SettingsCache {
	private value: Settings | null = null;
	private loadedAt = 0;
	private pending: Promise<Settings> | null = null;

	constructor(
		private readonly load: () => Promise<Settings>,
		private readonly fallback: () => Settings,
		private readonly maxAgeMs = 2000
	) {}

	get(): Promise<Settings> | Settings {
		if (this.value && Date.now() - this.loadedAt < this.maxAgeMs) return this.value;
		if (!this.pending) {
			this.pending = this.load()
				.then(v => {
					this.value = v;
					this.loadedAt = Date.now();
					return v;
				})
				.catch(() => this.value ?? this.fallback())
				.finally(() => (this.pending = null));
		}
		return this.value ?? this.pending;
	}

	set(value: Settings): void {
		this.value = value;
		this.loadedAt = Date.now();
	}
}
