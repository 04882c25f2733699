import type { ServiceSchema } from "moleculer";

/** A service schema whose handlers see `this` as TThis (the service's own fields and methods). */
export type Schema<TThis> = ServiceSchema<any, Record<string, any>, TThis>;
