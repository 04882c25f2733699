import contract from "../fixtures/contract-endpoints.json";
import { startApp, type TestApp } from "../helpers/app";
import { gatewayRoutes, type RouteInfo } from "../helpers/routes";

/**
 * The served API against the endpoint tables of the contract (§1–§28; the fixture lists every row:
 * section, method, path, permission). Whatever modules a build serves, each is served whole, with the
 * contract's paths and permissions, and nothing outside the contract is served.
 */
interface ContractRow {
	section: number;
	module: string;
	row: number;
	method: string;
	path: string;
	access: string[] | "public" | "authenticated" | "user" | "platform_admin" | "publication";
}

const ROWS = contract as ContractRow[];
const key = (method: string, path: string) => `${method} ${path}`;

describe("the served API follows the contract's endpoint tables", () => {
	let app: TestApp;
	let routes: RouteInfo[];
	let openapi: any;

	beforeAll(async () => {
		app = await startApp();
		routes = gatewayRoutes(app);
		openapi = (await app.http.get("/openapi.json")).body;
	});
	afterAll(() => app.stop());

	test("the fixture holds the contract's 259 endpoints (§29)", () => {
		expect(ROWS).toHaveLength(259);
		expect(new Set(ROWS.map(r => r.module)).size).toBe(28);
	});

	test("every served /api/v1 route is a contract endpoint, with the contract's permission", () => {
		const byKey = new Map(ROWS.map(r => [key(r.method, r.path), r]));
		const unknown = routes.filter(r => !byKey.has(key(r.method, r.openapiPath))).map(r => key(r.method, r.openapiPath));
		expect(unknown).toEqual([]);
		const wrongAccess = routes
			.map(r => ({ route: r, row: byKey.get(key(r.method, r.openapiPath)) as ContractRow }))
			.filter(({ row }) => row.access !== "publication")
			.filter(({ route, row }) => JSON.stringify(route.def.access) !== JSON.stringify(row.access))
			.map(({ route, row }) => `${key(route.method, route.openapiPath)}: serves ${JSON.stringify(route.def.access)}, contract ${JSON.stringify(row.access)}`);
		expect(wrongAccess).toEqual([]);
	});

	test("a module that is served is served whole, and every one of its endpoints is in /openapi.json", () => {
		const served = new Set(routes.map(r => key(r.method, r.openapiPath)));
		const modules = new Set(ROWS.filter(r => served.has(key(r.method, r.path))).map(r => r.module));
		const missing = ROWS.filter(r => modules.has(r.module) && !served.has(key(r.method, r.path))).map(r => `§${r.section} row ${r.row}: ${key(r.method, r.path)}`);
		expect(missing).toEqual([]);
		const documented = ROWS.filter(r => modules.has(r.module) && !openapi.paths[r.path]?.[r.method.toLowerCase()]).map(r => key(r.method, r.path));
		expect(documented).toEqual([]);
		// Every module of the contract: all 259 endpoints are served (§29).
		expect([...modules].sort()).toEqual([...new Set(ROWS.map(r => r.module))].sort());
		expect(served.size).toBe(259);
	});
});
