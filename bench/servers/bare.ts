import http from "node:http";

// The baseline: the cheapest possible JSON answer from node:http.
const server = http.createServer((_req, res) => {
	res.setHeader("Content-Type", "application/json; charset=utf-8");
	res.end('{"hello":"world"}');
});
server.listen(0, "127.0.0.1", () => {
	const address = server.address() as { port: number };
	// A clean exit on SIGTERM lets --cpu-prof write its profile.
	process.once("SIGTERM", () => process.exit(0));
	process.stdout.write(`READY ${address.port}\n`);
});
