import Redis from "ioredis";
import { RateLimiter } from "../../services/api/rate-limit";

const MINUTE_START = Date.UTC(2026, 0, 1, 12, 0, 0);

describe.each([
	["in memory", () => null],
	["in Redis", () => new Redis("redis://127.0.0.1:6379/15")]
])("rate-limit windows (%s)", (_name, connect) => {
	let redis: Redis | null;
	let now = 0;
	beforeAll(() => {
		redis = connect();
		jest.spyOn(Date, "now").mockImplementation(() => now);
	});
	afterAll(async () => {
		jest.restoreAllMocks();
		await redis?.quit();
	});

	test("credential-free limits count a sliding minute: ten requests late in one clock minute and the 11th early in the next: the 11th is over the limit", async () => {
		const limiter = new RateLimiter(redis, `unit-${process.pid}-${Math.random().toString(36).slice(2)}`);
		const counts: number[] = [];
		for (let i = 0; i < 10; i++) {
			now = MINUTE_START + 59_000 + i * 50;
			counts.push((await limiter.hitSliding("login-ip")).count);
		}
		now = MINUTE_START + 60_500;
		const eleventh = await limiter.hitSliding("login-ip");
		expect([...counts, eleventh.count]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
		// The window frees up when the oldest counted request is 60 s old.
		expect(eleventh.resetAt).toBe(Math.ceil((MINUTE_START + 59_000 + 60_000) / 1000));
		now = MINUTE_START + 119_001;
		expect((await limiter.hitSliding("login-ip")).count).toBe(11);
		now = MINUTE_START + 121_000;
		expect((await limiter.hitSliding("login-ip")).count).toBe(2);
		expect((await limiter.hitSliding("other-key")).count).toBe(1);
	});

	test("fixed windows of different lengths count apart: a one-hour window interleaved with one-minute windows keeps both counts; a new minute starts only the minute over", async () => {
		now = MINUTE_START;
		const limiter = new RateLimiter(redis, `unit-${process.pid}-${Math.random().toString(36).slice(2)}`);
		const key = limiter.principalKey("key_abc");
		expect(limiter.principalKey("key_abc")).toBe(key);
		const counts: number[] = [];
		for (let i = 0; i < 3; i++) {
			counts.push((await limiter.hit(key)).count, (await limiter.hit("tool_1", 3600)).count);
		}
		expect(counts).toEqual([1, 1, 2, 2, 3, 3]);
		now = MINUTE_START + 60_000;
		const minute = await limiter.hit(key);
		expect(minute).toEqual({ count: 1, resetAt: (MINUTE_START + 120_000) / 1000 });
		expect((await limiter.hit("tool_1", 3600)).count).toBe(4);
	});
});
