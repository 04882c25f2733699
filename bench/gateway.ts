import { fmt, load, startServer, type Measured } from "./harness";

const OWNER_KEY = "fgk_BenchOwnerKey_0123456789abcdefghijklmno".slice(0, 44);

/**
 * The stack, layer by layer, each against a bare node:http server measured in the same run:
 * (a) bare node:http, (b) moleculer-web with one trivial local action, (c) Fluxgate's gateway with its
 * checks (auth, rate limit, permission) on a trivial action, (d) the real `GET /api/v1/agents/{id}`.
 */
export async function gatewayBench(seconds = Number(process.env.BENCH_SECONDS ?? 10)): Promise<void> {
	const bare = await startServer("bare.ts");
	const web = await startServer("moleculer-web.ts");
	const flux = await startServer("fluxgate.ts", { FLUXGATE_BOOTSTRAP_KEY: OWNER_KEY });
	try {
		const headers = { Authorization: `Bearer ${OWNER_KEY}`, "Content-Type": "application/json" };
		const base = `http://127.0.0.1:${flux.port}`;
		const created = await fetch(`${base}/api/v1/agents`, { method: "POST", headers, body: JSON.stringify({ name: "bench-agent", model: "mock-echo" }) });
		if (created.status !== 201) throw new Error(`creating the agent answered ${created.status}`);
		const agentPath = `/api/v1/agents/${((await created.json()) as { id: string }).id}`;
		for (const [url, h] of [[`http://127.0.0.1:${web.port}/api/v1/hello`, {}], [`${base}/api/v1/benchmark/trivial`, headers], [base + agentPath, headers]] as const) {
			const check = await fetch(url, { headers: h });
			if (check.status !== 200) throw new Error(`GET ${url} answered ${check.status}`);
		}

		console.log(`gateway: ${seconds} s per measurement, 50 connections, each server in its own process`);
		const measure = async (pid: number | undefined, url: string, h: Record<string, string> = {}) => {
			await load(url, { seconds: 2, connections: 50, headers: h });
			return load(url, { seconds, connections: 50, headers: h, pid });
		};
		const rows: [string, Measured][] = [];
		rows.push(["(a) bare node:http", await measure(bare.child.pid, `http://127.0.0.1:${bare.port}/`)]);
		rows.push(["(b) moleculer-web, trivial action", await measure(web.child.pid, `http://127.0.0.1:${web.port}/api/v1/hello`)]);
		rows.push(["(c) + Fluxgate checks, trivial action", await measure(flux.child.pid, `${base}/api/v1/benchmark/trivial`, headers)]);
		rows.push(["(d) GET /api/v1/agents/{agent_id}", await measure(flux.child.pid, base + agentPath, headers)]);
		const baseline = rows[0][1];
		for (const [name, m] of rows) {
			const cpuRatio = m.cpuUsPerRequest && baseline.cpuUsPerRequest ? `  cpu ratio ${(baseline.cpuUsPerRequest / m.cpuUsPerRequest).toFixed(3)}` : "";
			console.log(`  ${name.padEnd(40)}${fmt(m)}  ratio ${(m.rps / baseline.rps).toFixed(3)}${cpuRatio}`);
		}
		console.log(`  target: (d) ratio >= 0.40 (the cpu ratio, bare CPU per request over this one, is the same comparison with less noise from a busy machine)`);
		const paced = await load(base + agentPath, { seconds, connections: 20, headers, rate: 1000 });
		console.log(`  (d) at 1,000 req/s                      ${fmt(paced)}  (target p99 < 10 ms)`);
	} finally {
		for (const s of [bare, web, flux]) s.child.kill("SIGTERM");
	}
}
