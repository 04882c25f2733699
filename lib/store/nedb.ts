import Datastore from "@seald-io/nedb";
import fs from "node:fs";
import path from "node:path";
import { closePooledAppends, installPooledAppends } from "./nedb-files";
import { useSharedKeyRemoval } from "./nedb-index-removal";
import type { Backend, Doc, Filter, FindOptions, IndexSpec, RawCollection, Update } from "./types";
import { copyFromStored, fromStored, storedFilter, storedSort, toStored } from "./documents";
import { encodeUpdate } from "./keys";
import { UniqueViolation } from "./types";

useSharedKeyRemoval();

/**
 * NeDB's cursor without a result mapper answers the stored documents themselves; `findAsync` and
 * `findOneAsync` deep-copy them, and turning a copy into a document copied it again. Reads here
 * take the stored documents and make the one copy the caller gets (`copyFromStored`).
 */
const Cursor: new (db: Datastore, query: Filter) => any = require("@seald-io/nedb/lib/cursor.js");
const model: { match(doc: unknown, query: Filter): boolean } = require("@seald-io/nedb/lib/model.js");

class NedbCollection implements RawCollection {
	constructor(
		private readonly db: Datastore,
		private readonly indexes: IndexSpec[]
	) {}

	/** Writes issued and not yet finished (reads by id wait behind them in NeDB's queue). */
	private writes = 0;

	private async translate<T>(op: () => Promise<T>, doc?: Record<string, any>): Promise<T> {
		try {
			return await op();
		} catch (err: any) {
			if (err?.errorType === "uniqueViolated") throw new UniqueViolation(await this.violatedField(doc));
			throw err;
		}
	}

	/** Runs a write, counted while it is queued or running. */
	private async write<T>(op: () => Promise<T>): Promise<T> {
		this.writes += 1;
		try {
			return await op();
		} finally {
			this.writes -= 1;
		}
	}

	/** NeDB does not say which index failed: find the unique index whose key is already taken. */
	private async violatedField(doc?: Record<string, any>): Promise<string> {
		const unique = this.indexes.filter(i => i.unique);
		if (doc) {
			for (const index of unique) {
				const query: Record<string, any> = { _id: { $ne: doc._id } };
				index.fields.forEach(f => (query[f] = doc[f]));
				if (await this.db.findOneAsync(query)) return index.fields[index.fields.length - 1];
			}
		}
		const last = unique[0]?.fields;
		return last ? last[last.length - 1] : "id";
	}

	insert(doc: Doc): Promise<Doc> {
		const raw = toStored(doc);
		return this.write(async () => fromStored(await this.translate(() => this.db.insertAsync(raw), raw)) as Doc);
	}

	async findOne(filter: Filter): Promise<Doc | null> {
		const query = storedFilter(filter);
		if (typeof query._id === "string" && this.byIdReady()) {
			// By primary key: the _id index answers at once (what the cursor would do after its queue and query planning).
			for (const doc of (this.db as any).indexes._id.getMatching(query._id)) if (model.match(doc, query)) return copyFromStored(doc);
			return null;
		}
		// execAsync queues the read now (awaiting the cursor itself would queue it a tick later, behind writes issued after it).
		const [doc] = await new Cursor(this.db, query).limit(1).execAsync();
		return copyFromStored(doc ?? null);
	}

	/**
	 * Whether a read by id may go to the index directly: the datastore is loaded, no write is queued
	 * (a read never overtakes a write issued before it) and no TTL index would drop expired documents.
	 */
	private byIdReady(): boolean {
		const db = this.db as any;
		return this.writes === 0 && db.executor.ready === true && Object.keys(db.ttlIndexes).length === 0;
	}

	async find(filter: Filter, options: FindOptions = {}): Promise<Doc[]> {
		let cursor = new Cursor(this.db, storedFilter(filter));
		const sort = storedSort(options.sort);
		if (sort) cursor = cursor.sort(sort);
		if (options.skip) cursor = cursor.skip(options.skip);
		if (options.limit) cursor = cursor.limit(options.limit);
		return ((await cursor.execAsync()) as Record<string, any>[]).map(d => copyFromStored(d) as Doc);
	}

	count(filter: Filter): Promise<number> {
		return this.db.countAsync(storedFilter(filter));
	}

	updateOne(filter: Filter, update: Update): Promise<Doc | null> {
		return this.write(() => this.updateFirst(filter, update));
	}

	private async updateFirst(filter: Filter, update: Update): Promise<Doc | null> {
		const query = storedFilter(filter);
		const current = await this.db.findOneAsync(query);
		if (!current) return null;
		const encoded = encodeUpdate(update);
		// The filter is applied again with the id: a concurrent update in between makes this one a no-op (conditional updates stay atomic).
		const res: any = await this.translate(
			() => this.db.updateAsync({ ...query, _id: current._id }, encoded, { returnUpdatedDocs: true, multi: false }),
			{ ...current, ...(encoded.$set ?? {}) }
		);
		return res.numAffected ? fromStored(res.affectedDocuments ?? null) : null;
	}

	updateMany(filter: Filter, update: Update): Promise<number> {
		return this.write(async () => {
			const res: any = await this.translate(() => this.db.updateAsync(storedFilter(filter), encodeUpdate(update), { multi: true }));
			return res.numAffected;
		});
	}

	deleteOne(filter: Filter): Promise<boolean> {
		return this.write(async () => (await this.db.removeAsync(storedFilter(filter), { multi: false })) > 0);
	}

	deleteMany(filter: Filter): Promise<number> {
		return this.write(() => this.db.removeAsync(storedFilter(filter), { multi: true }));
	}
}

/** Embedded backend: NeDB files under `dir`, or memory only when `dir` is null. */
export class NedbBackend implements Backend {
	readonly kind: "memory" | "nedb";
	private readonly open = new Map<string, Promise<RawCollection>>();

	constructor(private readonly dir: string | null) {
		this.kind = dir ? "nedb" : "memory";
		if (dir) {
			fs.mkdirSync(dir, { recursive: true });
			installPooledAppends();
		}
	}

	collection(name: string, indexes: IndexSpec[]): Promise<RawCollection> {
		let pending = this.open.get(name);
		if (!pending) {
			pending = this.create(name, indexes);
			this.open.set(name, pending);
		}
		return pending;
	}

	private async create(name: string, indexes: IndexSpec[]): Promise<RawCollection> {
		const db = this.dir
			? new Datastore({ filename: path.join(this.dir, `${name}.db`) })
			: new Datastore({ inMemoryOnly: true });
		await db.loadDatabaseAsync();
		for (const index of indexes) {
			const fieldName = index.fields.length === 1 ? index.fields[0] : index.fields;
			await db.ensureIndexAsync({ fieldName: fieldName as any, unique: !!index.unique, sparse: !!index.sparse });
		}
		if (this.dir) db.setAutocompactionInterval(10 * 60 * 1000);
		return new NedbCollection(db, indexes);
	}

	async ping(): Promise<number> {
		return 0;
	}

	async close(): Promise<void> {
		for (const pending of this.open.values()) {
			const col: any = await pending;
			col.db.stopAutocompaction?.();
			if (this.dir) await col.db.compactDatafileAsync();
		}
		this.open.clear();
		if (this.dir) await closePooledAppends(path.join(this.dir, path.sep));
	}
}
