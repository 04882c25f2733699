/** A stored document: `id` is the primary key on every backend. */
export type Doc = { id: string; [field: string]: any };
export type Filter = Record<string, any>;
export type Sort = Record<string, 1 | -1>;
/** MongoDB update operators that every backend supports. */
export type Update = { $set?: Record<string, any>; $unset?: Record<string, true | 1 | "">; $inc?: Record<string, number>; $push?: Record<string, any>; $pull?: Record<string, any> };

export interface FindOptions {
	sort?: Sort;
	skip?: number;
	limit?: number;
}

export interface IndexSpec {
	fields: string[];
	unique?: boolean;
	/** Only documents with every field present take part (unique among those that have it). */
	sparse?: boolean;
	/** TTL: documents expire this many seconds after the date in the first field (MongoDB only; embedded stores sweep). */
	expireAfterSeconds?: number;
}

/** Raised on a unique index violation; `field` is the index's last field (the one a client chose). */
export class UniqueViolation extends Error {
	constructor(public readonly field: string) {
		super(`unique constraint violated on ${field}`);
	}
}

/** The backend-neutral collection every repository is built on. */
export interface RawCollection {
	insert(doc: Doc): Promise<Doc>;
	findOne(filter: Filter): Promise<Doc | null>;
	find(filter: Filter, options?: FindOptions): Promise<Doc[]>;
	count(filter: Filter): Promise<number>;
	/** Applies `update` to the first match and returns the updated document. */
	updateOne(filter: Filter, update: Update): Promise<Doc | null>;
	updateMany(filter: Filter, update: Update): Promise<number>;
	deleteOne(filter: Filter): Promise<boolean>;
	deleteMany(filter: Filter): Promise<number>;
}

export interface Backend {
	readonly kind: "memory" | "nedb" | "mongo";
	collection(name: string, indexes: IndexSpec[]): Promise<RawCollection>;
	/** Round-trip time of a trivial query in milliseconds; throws when the database is unreachable. */
	ping(): Promise<number>;
	close(): Promise<void>;
}
