import { closeSharedRedis } from "../../lib/redis";

// Shared Redis connections outlive any one broker of a test file: close them when the file is done.
afterAll(async () => {
	await closeSharedRedis();
});
