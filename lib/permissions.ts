/** The permission catalogue and built-in roles (§0.4). */
export const MODULES = [
	"agents", "runtime", "tools", "memory", "lifecycle", "coordination", "schedules", "budgets", "events",
	"marketplace", "cost", "governance", "rbac", "secrets", "scaling", "intelligence", "analytics", "audit",
	"chat", "knowledge", "workflows", "mcp", "prompts", "billing", "providers", "publish"
] as const;
export const PERMISSION_ACTIONS = ["read", "write", "execute", "admin"] as const;

export type Module = (typeof MODULES)[number];

const ACTION_TEXT: Record<string, string> = {
	read: "Read",
	write: "Create, change and delete configuration of",
	execute: "Start or decide work in",
	admin: "Sensitive financial or override actions in"
};

export const ALL_PERMISSIONS: string[] = MODULES.flatMap(m => PERMISSION_ACTIONS.map(a => `${m}:${a}`));
const PERMISSION_SET = new Set(ALL_PERMISSIONS);

export const isPermission = (p: string): boolean => PERMISSION_SET.has(p);

export const PERMISSION_CATALOGUE = ALL_PERMISSIONS.map(permission => {
	const [module, action] = permission.split(":");
	return { permission, module, action, description: `${ACTION_TEXT[action]} ${module}` };
});

const BUILD_MODULES = [
	"agents", "tools", "memory", "lifecycle", "coordination", "schedules", "events", "marketplace", "chat",
	"knowledge", "workflows", "mcp", "prompts", "publish", "secrets", "providers", "intelligence"
];
const reads = MODULES.map(m => `${m}:read`);

export const PLATFORM_ADMIN = "platform_admin";

export const BUILTIN_ROLES: Record<string, { description: string; permissions: string[] }> = {
	owner: { description: "Everything in the organization", permissions: ALL_PERMISSIONS },
	admin: { description: "Everything except billing administration", permissions: ALL_PERMISSIONS.filter(p => p !== "billing:admin") },
	developer: {
		description: "Builds agents and their parts; reads everything; runs agents",
		permissions: [...reads, ...BUILD_MODULES.map(m => `${m}:write`), "runtime:execute"]
	},
	operator: {
		description: "Reads everything; runs agents, promotes versions, manages schedules, decides approvals",
		permissions: [...reads, "runtime:execute", "lifecycle:write", "schedules:write", "governance:execute"]
	},
	viewer: { description: "Reads everything", permissions: reads },
	[PLATFORM_ADMIN]: { description: "Instance administration under /api/v1/admin", permissions: [] }
};

export const isBuiltinRole = (name: string): boolean => Object.prototype.hasOwnProperty.call(BUILTIN_ROLES, name);

/** Sorts permissions in catalogue order, dropping duplicates and unknown strings. */
export function normalizePermissions(perms: Iterable<string>): string[] {
	const set = new Set(perms);
	return ALL_PERMISSIONS.filter(p => set.has(p));
}
