import http from "node:http";

// A webhook receiver for the events benchmark: answers 204 to every POST and counts deliveries by id.
const seen = new Map<string, number>();
let total = 0;

const server = http.createServer((req, res) => {
	if (req.method === "GET") {
		res.setHeader("Content-Type", "application/json");
		res.end(JSON.stringify({ total, unique: seen.size, duplicates: [...seen.values()].filter(n => n > 1).length }));
		return;
	}
	req.resume();
	req.on("end", () => {
		total += 1;
		const id = req.headers["x-fluxgate-delivery"];
		if (typeof id === "string") seen.set(id, (seen.get(id) ?? 0) + 1);
		res.statusCode = 204;
		res.end();
	});
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
	const address = server.address() as { port: number };
	process.stdout.write(`READY ${address.port}\n`);
});
