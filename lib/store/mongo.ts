import mongoose from "mongoose";
import type { Backend, Doc, Filter, FindOptions, IndexSpec, RawCollection, Update } from "./types";
import { fromStored, storedFilter, storedSort, toStored } from "./documents";
import { encodeUpdate } from "./keys";
import { UniqueViolation } from "./types";

type MongoCollection = mongoose.mongo.Collection;

function translate(err: any, indexes: IndexSpec[]): never {
	if (err?.code === 11000) {
		const keys = Object.keys(err.keyPattern ?? {});
		const index = indexes.find(i => i.unique && i.fields.length === keys.length && i.fields.every(f => keys.includes(f)));
		throw new UniqueViolation(index ? index.fields[index.fields.length - 1] : keys[keys.length - 1] ?? "id");
	}
	throw err;
}

class MongoRawCollection implements RawCollection {
	constructor(
		private readonly col: MongoCollection,
		private readonly indexes: IndexSpec[]
	) {}

	async insert(doc: Doc): Promise<Doc> {
		const raw = toStored(doc);
		await this.col.insertOne(raw as any).catch(err => translate(err, this.indexes));
		return doc;
	}

	async findOne(filter: Filter): Promise<Doc | null> {
		return fromStored(await this.col.findOne(storedFilter(filter)));
	}

	async find(filter: Filter, options: FindOptions = {}): Promise<Doc[]> {
		let cursor = this.col.find(storedFilter(filter));
		const sort = storedSort(options.sort);
		if (sort) cursor = cursor.sort(sort);
		if (options.skip) cursor = cursor.skip(options.skip);
		if (options.limit) cursor = cursor.limit(options.limit);
		return (await cursor.toArray()).map(d => fromStored(d) as Doc);
	}

	count(filter: Filter): Promise<number> {
		return this.col.countDocuments(storedFilter(filter));
	}

	async updateOne(filter: Filter, update: Update): Promise<Doc | null> {
		const res = await this.col
			.findOneAndUpdate(storedFilter(filter), encodeUpdate(update) as any, { returnDocument: "after", includeResultMetadata: false })
			.catch(err => translate(err, this.indexes));
		return fromStored(res as any);
	}

	async updateMany(filter: Filter, update: Update): Promise<number> {
		const res = await this.col.updateMany(storedFilter(filter), encodeUpdate(update) as any).catch(err => translate(err, this.indexes));
		return res.modifiedCount;
	}

	async deleteOne(filter: Filter): Promise<boolean> {
		return (await this.col.deleteOne(storedFilter(filter))).deletedCount > 0;
	}

	async deleteMany(filter: Filter): Promise<number> {
		return (await this.col.deleteMany(storedFilter(filter))).deletedCount;
	}
}

/** MongoDB through a mongoose connection; used whenever MONGO_URI is set. */
export class MongoBackend implements Backend {
	readonly kind = "mongo" as const;
	private readonly conn: mongoose.Connection;
	private ready: Promise<unknown>;

	constructor(uri: string) {
		this.conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 });
		this.ready = this.conn.asPromise();
	}

	async collection(name: string, indexes: IndexSpec[]): Promise<RawCollection> {
		await this.ready;
		const col = this.conn.db!.collection(name);
		for (const index of indexes) {
			const keys = Object.fromEntries(index.fields.map(f => [f, 1]));
			const opts: Record<string, any> = { unique: !!index.unique };
			if (index.sparse) opts.partialFilterExpression = Object.fromEntries(index.fields.map(f => [f, { $exists: true }]));
			if (index.expireAfterSeconds != null) opts.expireAfterSeconds = index.expireAfterSeconds;
			await col.createIndex(keys, opts);
		}
		return new MongoRawCollection(col, indexes);
	}

	async ping(): Promise<number> {
		await this.ready;
		const start = Date.now();
		await this.conn.db!.admin().ping();
		return Date.now() - start;
	}

	async close(): Promise<void> {
		await this.conn.close();
	}
}
