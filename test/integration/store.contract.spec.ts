import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../lib/config";
import { Store, UniqueViolation, type Backend, type Repository } from "../../lib/store";
import { MongoBackend } from "../../lib/store/mongo";
import { NedbBackend } from "../../lib/store/nedb";
import { uid } from "../helpers/platform";

/**
 * One data contract, run against every backend present: the embedded store in memory and on files,
 * and MongoDB when MONGO_URI is set (reported as skipped otherwise, never faked).
 */
interface BackendCase {
	name: string;
	make: () => Backend;
	/** Opens the same data again after close (persistent backends only). */
	reopen?: () => Backend;
	available: boolean;
}

const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "fg-store-"));
const mongoUri = loadConfig().mongoUri;

const CASES: BackendCase[] = [
	{ name: "embedded, memory", make: () => new NedbBackend(null), available: true },
	{ name: "embedded, files", make: () => new NedbBackend(tmpDir), reopen: () => new NedbBackend(tmpDir), available: true },
	{ name: "MongoDB", make: () => new MongoBackend(mongoUri as string), reopen: () => new MongoBackend(mongoUri as string), available: !!mongoUri }
];

afterAll(() => fs.rmSync(tmpDir, { recursive: true, force: true }));

for (const backendCase of CASES) {
	(backendCase.available ? describe : describe.skip)(`data contract: ${backendCase.name}`, () => contract(backendCase));
}

function contract(backendCase: BackendCase) {
	let store: Store;
	let items: Repository;
	let users: Repository;
	let tags: Repository;
	const suffix = uid(4);
	const ORG_A = `org_a_${suffix}`;
	const ORG_B = `org_b_${suffix}`;

	beforeAll(async () => {
		store = new Store(backendCase.make());
		items = await store.repository(`items_${suffix}`, [{ fields: ["org_id", "name"], unique: true }, { fields: ["rank"] }]);
		users = await store.repository(`users_${suffix}`, [{ fields: ["email"], unique: true }]);
		tags = await store.repository(`tags_${suffix}`, [{ fields: ["code"], unique: true, sparse: true }]);
		const a = items.forOrg(ORG_A);
		// Ranks and names chosen so that sorting by either gives a known order.
		for (const [i, name] of ["delta", "alpha", "charlie", "bravo", "echo"].entries()) {
			await a.insert({ id: `item_${i}`, name, rank: i % 3, tags: i % 2 ? ["odd"] : ["even"], created_at: `2026-01-01T00:00:0${i}.000Z` });
		}
		await items.forOrg(ORG_B).insert({ id: "item_b", name: "alpha", rank: 9, tags: ["odd"] });
	});

	afterAll(() => store?.close());

	it("insert sets org_id and timestamps and returns the document; get reads it back", async () => {
		const doc = await items.forOrg(ORG_A).insert({ id: "item_ts", name: "timestamps", rank: 5, nested: { a: [1, { b: null }] } });
		expect(doc).toMatchObject({ id: "item_ts", org_id: ORG_A, name: "timestamps", nested: { a: [1, { b: null }] } });
		expect(doc.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(doc.updated_at).toBe(doc.created_at);
		expect(await items.forOrg(ORG_A).get("item_ts")).toEqual(doc);
		expect(await items.forOrg(ORG_A).get("missing")).toBeNull();
		// The scope's org wins over an org_id in the document.
		const forced = await items.forOrg(ORG_A).insert({ id: "item_forced", name: "forced", org_id: ORG_B } as any);
		expect(forced.org_id).toBe(ORG_A);
		await items.forOrg(ORG_A).delete("item_ts");
		await items.forOrg(ORG_A).delete("item_forced");
	});

	it("every read is the caller's own copy: changing what insert, get, find or update answered changes nothing stored", async () => {
		const scope = items.forOrg(ORG_A);
		const input = { id: "item_fresh", name: "fresh", rank: 7, nested: { list: [1, { deep: "x" }], when: "2026-01-01" }, "a.b": { c: 1 } };
		const inserted = await scope.insert(input);
		input.nested.list.push(2);
		(inserted.nested as any).list[1].deep = "changed by the inserter";
		const read = (await scope.get("item_fresh"))!;
		expect(read).toMatchObject({ nested: { list: [1, { deep: "x" }] }, "a.b": { c: 1 } });
		read.nested.list[1].deep = "changed by a reader";
		read.nested.list.push("extra");
		read["a.b"].c = 2;
		read.name = "renamed";
		const [found] = await scope.find({ id: "item_fresh" });
		expect(found).toMatchObject({ name: "fresh", nested: { list: [1, { deep: "x" }] }, "a.b": { c: 1 } });
		expect(found.nested.list).toHaveLength(2);
		found.nested.when = "changed by a finder";
		const updated = (await scope.update("item_fresh", { rank: 8 }))!;
		expect(updated).toMatchObject({ rank: 8, nested: { list: [1, { deep: "x" }], when: "2026-01-01" } });
		updated.nested.list.length = 0;
		// A write after the reads is seen by the next read, with none of the readers' changes.
		expect(await scope.get("item_fresh")).toMatchObject({ name: "fresh", rank: 8, nested: { list: [1, { deep: "x" }], when: "2026-01-01" }, "a.b": { c: 1 } });
		await scope.delete("item_fresh");
	});

	(backendCase.name.startsWith("embedded") ? it : it.skip)("reads and writes keep the order they were issued in, finished or not (embedded: one queue)", async () => {
		const scope = items.forOrg(ORG_A);
		const insert = scope.insert({ id: "item_order", name: "order", rank: 1 });
		const read = scope.get("item_order");
		const removal = scope.delete("item_order");
		const gone = scope.get("item_order");
		expect((await read)?.rank).toBe(1);
		expect(await gone).toBeNull();
		await Promise.all([insert, removal]);
		// With nothing in flight, a read by id answers from the index; another org's id stays invisible.
		await scope.insert({ id: "item_order", name: "order", rank: 3 });
		expect((await scope.get("item_order"))?.rank).toBe(3);
		expect(await items.forOrg(ORG_B).get("item_order")).toBeNull();
		await scope.delete("item_order");
	});

	it("find sorts, skips and limits", async () => {
		const a = items.forOrg(ORG_A);
		expect((await a.find({}, { sort: { name: 1 } })).map(d => d.name)).toEqual(["alpha", "bravo", "charlie", "delta", "echo"]);
		expect((await a.find({}, { sort: { name: -1 }, skip: 1, limit: 2 })).map(d => d.name)).toEqual(["delta", "charlie"]);
		expect((await a.find({}, { sort: { rank: 1, name: -1 } })).map(d => d.name)).toEqual(["delta", "bravo", "echo", "alpha", "charlie"]);
		expect((await a.find({}, { sort: { id: -1 }, limit: 1 })).map(d => d.id)).toEqual(["item_4"]);
		expect(await a.find({}, { sort: { name: 1 }, skip: 10 })).toEqual([]);
	});

	it("list answers the page envelope, newest first by default and by id on ties", async () => {
		const page = await items.forOrg(ORG_A).list({}, { limit: 2, offset: 1 });
		expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
		expect(page.items.map(d => d.id)).toEqual(["item_3", "item_2"]);
		const asc = await items.forOrg(ORG_A).list({ rank: 1 }, { limit: 10, offset: 0, order: "asc" });
		expect(asc.items.map(d => d.id)).toEqual(["item_1", "item_4"]);
		expect(asc.total).toBe(2);
	});

	it("count and the query operators: $regex, $in, $ne, ranges, $or, array membership, nested paths", async () => {
		const a = items.forOrg(ORG_A);
		expect(await a.count()).toBe(5);
		expect(await a.count({ rank: 0 })).toBe(2);
		expect((await a.find({ name: /^[a-c]/ }, { sort: { name: 1 } })).map(d => d.name)).toEqual(["alpha", "bravo", "charlie"]);
		expect((await a.find({ name: { $regex: /HAR/i } })).map(d => d.name)).toEqual(["charlie"]);
		expect(await a.count({ name: { $in: ["alpha", "echo", "zulu"] } })).toBe(2);
		expect(await a.count({ name: { $ne: "alpha" } })).toBe(4);
		expect(await a.count({ rank: { $gte: 1, $lt: 2 } })).toBe(2);
		expect(await a.count({ created_at: { $gte: "2026-01-01T00:00:02.000Z" } })).toBe(3);
		expect(await a.count({ $or: [{ name: "alpha" }, { rank: 2 }] })).toBe(2);
		expect(await a.count({ tags: "odd" })).toBe(2);
		expect(await a.count({ id: { $in: ["item_0", "item_9"] } })).toBe(1);
		await a.update("item_0", { history: [{ hash: "h1" }, { hash: "h2" }] });
		expect((await a.findOne({ "history.hash": "h2" }))?.id).toBe("item_0");
		expect(await a.findOne({ "history.hash": "h3" })).toBeNull();
	});

	it("update $sets fields, bumps updated_at and returns the new document; null when nothing matches", async () => {
		const a = items.forOrg(ORG_A);
		const before = (await a.get("item_2"))!;
		await new Promise(r => setTimeout(r, 5));
		const after = await a.update("item_2", { label: "new", rank: 7 });
		expect(after).toMatchObject({ id: "item_2", name: "charlie", label: "new", rank: 7, org_id: ORG_A });
		expect(after!.updated_at > before.updated_at).toBe(true);
		expect(after!.created_at).toBe(before.created_at);
		expect(await a.get("item_2")).toEqual(after);
		expect(await a.update("missing", { label: "x" })).toBeNull();
		const inc = await a.updateWhere({ id: "item_2" }, { $inc: { rank: 1 }, $unset: { label: true }, $push: { tags: "pushed" } });
		expect(inc).toMatchObject({ rank: 8, tags: ["even", "pushed"] });
		expect(inc).not.toHaveProperty("label");
		await a.update("item_2", { rank: 2, tags: ["even"] });
	});

	it("a conditional update applies once: only one of concurrent callers wins", async () => {
		const a = items.forOrg(ORG_A);
		await a.insert({ id: "item_once", name: "once", used_at: null });
		expect(await a.updateWhere({ id: "item_once", used_at: { $ne: null } }, { $set: { used_at: "never" } })).toBeNull();
		const results = await Promise.all(
			Array.from({ length: 5 }, (_, i) => a.updateWhere({ id: "item_once", used_at: null }, { $set: { used_at: `caller-${i}` } }))
		);
		const winners = results.filter(Boolean);
		expect(winners).toHaveLength(1);
		expect((await a.get("item_once"))!.used_at).toBe(winners[0]!.used_at);
		await a.delete("item_once");
	});

	it("updateMany changes every match in the scope and answers the count", async () => {
		const n = await items.forOrg(ORG_A).updateMany({ tags: "odd" }, { $set: { flagged: true } });
		expect(n).toBe(2);
		expect(await items.forOrg(ORG_A).count({ flagged: true })).toBe(2);
		expect(await items.forOrg(ORG_B).count({ flagged: true })).toBe(0);
		await items.forOrg(ORG_A).updateMany({}, { $unset: { flagged: true } });
	});

	it("a unique index violation raises UniqueViolation naming the field (single index)", async () => {
		const s = users.platformWide();
		await s.insert({ id: "u1", email: "a@example.com" });
		await s.insert({ id: "u2", email: "b@example.com" });
		const insertErr = await s.insert({ id: "u3", email: "a@example.com" }).catch(e => e);
		expect(insertErr).toBeInstanceOf(UniqueViolation);
		expect(insertErr.field).toBe("email");
		const updateErr = await s.update("u2", { email: "a@example.com" }).catch(e => e);
		expect(updateErr).toBeInstanceOf(UniqueViolation);
		expect(updateErr.field).toBe("email");
		expect((await s.get("u2"))!.email).toBe("b@example.com");
		expect(await s.get("u3")).toBeNull();
		const idErr = await s.insert({ id: "u1", email: "c@example.com" }).catch(e => e);
		expect(idErr).toBeInstanceOf(UniqueViolation);
	});

	it("a compound (org_id, name) index is unique per org and names the field", async () => {
		const err = await items.forOrg(ORG_A).insert({ id: "dup", name: "alpha" }).catch(e => e);
		expect(err).toBeInstanceOf(UniqueViolation);
		expect(err.field).toBe("name");
		expect(await items.forOrg(ORG_A).count({ name: "alpha" })).toBe(1);
		// The same name in another org is fine (ORG_B already holds "alpha").
		expect((await items.forOrg(ORG_B).get("item_b"))!.name).toBe("alpha");
		const renamed = await items.forOrg(ORG_A).update("item_1", { name: "bravo" }).catch(e => e);
		expect(renamed).toBeInstanceOf(UniqueViolation);
		expect(renamed.field).toBe("name");
	});

	it("a sparse unique index ignores documents without the field", async () => {
		const s = tags.platformWide();
		await s.insert({ id: "t1" });
		await s.insert({ id: "t2" });
		await s.insert({ id: "t3", code: "x" });
		const err = await s.insert({ id: "t4", code: "x" }).catch(e => e);
		expect(err).toBeInstanceOf(UniqueViolation);
		expect(err.field).toBe("code");
		expect(await s.count()).toBe(3);
	});

	it("org scoping: another org's documents are invisible and untouchable", async () => {
		const b = items.forOrg(ORG_B);
		expect(await b.get("item_0")).toBeNull();
		expect(await b.findOne({ name: "delta" })).toBeNull();
		expect(await b.count()).toBe(1);
		expect((await b.find()).map(d => d.id)).toEqual(["item_b"]);
		// A filter naming the other org still stays inside the scope.
		expect(await b.count({ org_id: ORG_A })).toBe(1);
		expect(await b.update("item_0", { name: "stolen" })).toBeNull();
		expect(await b.updateWhere({ name: "delta" }, { $set: { name: "stolen" } })).toBeNull();
		expect(await b.updateMany({ tags: "even" }, { $set: { name: "stolen" } })).toBe(0);
		expect(await b.delete("item_0")).toBe(false);
		expect(await b.deleteMany({ name: "delta" })).toBe(0);
		expect((await items.forOrg(ORG_A).get("item_0"))!.name).toBe("delta");
		expect(await items.platformWide().count()).toBe(6);
		expect(() => items.forOrg("")).toThrow();
	});

	it("keeps field names that contain dots, start with $ or contain % exactly as written", async () => {
		const odd = { "a.b": 1, $ref: "#/x", "50%": { "c.d": [{ $e: "%2E" }] }, "%2E": "literal" };
		const doc = await items.forOrg(ORG_A).insert({ id: "item_odd", name: "odd", schema: odd });
		expect(doc.schema).toEqual(odd);
		expect((await items.forOrg(ORG_A).get("item_odd"))!.schema).toEqual(odd);
		const updated = await items.forOrg(ORG_A).update("item_odd", { schema: { ...odd, "x.y": true } });
		expect(updated!.schema).toEqual({ ...odd, "x.y": true });
		expect((await items.forOrg(ORG_A).find({ name: "odd" }))[0].schema).toEqual({ ...odd, "x.y": true });
		await items.forOrg(ORG_A).delete("item_odd");
	});

	it("documents of different shapes in one collection read back exactly, field order and odd top-level names included", async () => {
		const scope = items.forOrg(ORG_A);
		const shapes: Record<string, any>[] = [
			{ id: "item_s1", name: "s1", x: 1, y: [1, { z: 2 }] },
			{ id: "item_s2", name: "s2", y: "first", x: null },
			{ id: "item_s3", name: "s3", x: 1, y: 2, extra: { deep: { deeper: [true] } } },
			{ id: "item_s4", name: "s4", "a.b": 1, $ref: "#/x", "50%": { "c.d": 2 }, "%2E": "literal" }
		];
		for (const doc of shapes) await scope.insert(doc as any);
		for (let round = 0; round < 2; round++) {
			for (const doc of shapes) {
				const read = (await scope.get(doc.id))!;
				const { created_at: _c, updated_at: _u, org_id: _o, ...fields } = read;
				expect(fields).toEqual(doc);
				expect(Object.keys(fields)).toEqual(Object.keys(doc));
				expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
			}
		}
		await scope.deleteMany({ id: { $in: shapes.map(d => d.id) } });
	});

	it("delete and deleteMany remove matches in the scope only", async () => {
		const a = items.forOrg(ORG_A);
		await a.insert({ id: "gone_1", name: "gone-1", doomed: true });
		await a.insert({ id: "gone_2", name: "gone-2", doomed: true });
		await items.forOrg(ORG_B).insert({ id: "kept_b", name: "gone-3", doomed: true });
		expect(await a.delete("gone_1")).toBe(true);
		expect(await a.delete("gone_1")).toBe(false);
		expect(await a.deleteMany({ doomed: true })).toBe(1);
		expect(await items.forOrg(ORG_B).count({ doomed: true })).toBe(1);
		expect(await items.forOrg(ORG_B).deleteMany()).toBe(2);
		expect(await items.forOrg(ORG_B).count()).toBe(0);
		expect(await a.count()).toBe(5);
	});

	if (backendCase.reopen) {
		it("keeps the data when the backend is closed and opened again", async () => {
			await items.forOrg(ORG_A).update("item_3", { label: "persisted" });
			await store.close();
			store = new Store(backendCase.reopen!());
			const again = await store.repository(`items_${suffix}`, [{ fields: ["org_id", "name"], unique: true }, { fields: ["rank"] }]);
			expect(await again.forOrg(ORG_A).count()).toBe(5);
			expect((await again.forOrg(ORG_A).get("item_3"))!.label).toBe("persisted");
			const err = await again.forOrg(ORG_A).insert({ id: "dup2", name: "alpha" }).catch(e => e);
			expect(err).toBeInstanceOf(UniqueViolation);
		});
	}
}
