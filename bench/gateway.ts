import { fmt, load, startServer } from "./harness";

const OWNER_KEY = "fgk_BenchOwnerKey_0123456789abcdefghijklmno".slice(0, 44);

/** Authenticated read through the gateway against a bare node:http server, measured in the same run. */
export async function gatewayBench(seconds = Number(process.env.BENCH_SECONDS ?? 10)): Promise<void> {
	const bare = await startServer("bare.ts");
	const flux = await startServer("fluxgate.ts", { FLUXGATE_BOOTSTRAP_KEY: OWNER_KEY });
	try {
		const headers = { Authorization: `Bearer ${OWNER_KEY}`, "Content-Type": "application/json" };
		const base = `http://127.0.0.1:${flux.port}`;
		let path = "/api/v1/auth/me";
		const created = await fetch(`${base}/api/v1/agents`, { method: "POST", headers, body: JSON.stringify({ name: "bench-agent", model: "mock-echo" }) });
		if (created.status === 201) path = `/api/v1/agents/${((await created.json()) as { id: string }).id}`;
		const check = await fetch(base + path, { headers });
		if (check.status !== 200) throw new Error(`GET ${path} answered ${check.status}`);

		console.log(`gateway: ${seconds} s per measurement, 50 connections, server in its own process`);
		await load(`http://127.0.0.1:${bare.port}/`, { seconds: 2, connections: 50 });
		const baseline = await load(`http://127.0.0.1:${bare.port}/`, { seconds, connections: 50 });
		console.log(`  bare node:http          ${fmt(baseline)}`);
		await load(base + path, { seconds: 2, connections: 50, headers });
		const gateway = await load(base + path, { seconds, connections: 50, headers });
		console.log(`  GET ${path.replace(/agt_[\w-]+/, "{agent_id}").padEnd(20)}${fmt(gateway)}`);
		console.log(`  ratio gateway/bare      ${(gateway.rps / baseline.rps).toFixed(3)}  (target >= 0.40)`);
		const paced = await load(base + path, { seconds, connections: 20, headers, rate: 1000 });
		console.log(`  at 1,000 req/s          ${fmt(paced)}  (target p99 < 10 ms)`);
	} finally {
		bare.child.kill("SIGTERM");
		flux.child.kill("SIGTERM");
	}
}
