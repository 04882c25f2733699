import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import { exactFilters } from "../../lib/filters";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { dateTime, LIST_QUERY, listOptions, query, substringFilter } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { sumUsd } from "../budgets/money";
import { hardLimitReached, NO_USAGE, usageReport, type UsageTotals } from "./invoicing";
import { BillingLedger, type BillingRepos } from "./ledger";
import { BILLING_SCHEMAS, customerRules, CUSTOMER_STATUSES, INVOICE_STATUSES, planRules, presentCustomer, presentInvoice, presentPlan, usageOf, type CustomerDoc, type InvoiceDoc, type PlanDoc } from "./model";
import { monthNamed, monthOf, PERIOD_PATTERN } from "./periods";

interface BillingThis extends PlatformThis {
	repos: BillingRepos;
	ledger: BillingLedger;
	issueTimer: NodeJS.Timeout | null;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal }>;

const ISSUE_INTERVAL_MS = 60_000;
const PERIOD_QUERY = query({ type: "string", pattern: PERIOD_PATTERN });
const TERMINAL_RUN_EVENTS = ["run.completed", "run.failed", "run.cancelled", "run.blocked"];

const BillingService: Schema<BillingThis> = {
	name: "billing",
	mixins: [
		StoreMixin({
			plans: [{ fields: ["org_id", "name"], unique: true }],
			customers: [{ fields: ["org_id", "external_id"], unique: true }, { fields: ["plan_id"] }],
			metered_runs: [{ fields: ["customer_id", "period"] }],
			usage_totals: [{ fields: ["org_id", "customer_id", "period"], unique: true }],
			invoices: [{ fields: ["org_id", "customer_id", "period"], unique: true }, { fields: ["status"] }],
			counters: []
		})
	],
	settings: { rest: "/billing" },
	metadata: { schemas: BILLING_SCHEMAS },

	actions: {
		createPlan: {
			rest: "POST /plans",
			access: ["billing:admin"],
			audit: { action: "plan.create" },
			openapi: { summary: "Create a billing plan", status: 201, response: "Plan" },
			params: planRules(false),
			async handler(this: BillingThis, ctx: Ctx) {
				const p = ctx.params;
				const doc = await writeUnique("name", p.name, () =>
					this.repos.plans.forOrg(ctx.meta.principal.org_id).insert({
						id: newId("plan"),
						name: p.name,
						description: p.description ?? "",
						base_fee_usd: p.base_fee_usd ?? 0,
						included_runs: p.included_runs ?? null,
						included_tokens: p.included_tokens ?? null,
						price_per_run_usd: p.price_per_run_usd ?? 0,
						price_per_1k_tokens_usd: p.price_per_1k_tokens_usd ?? 0,
						llm_cost_multiplier: p.llm_cost_multiplier ?? 0,
						hard_limit: p.hard_limit ?? false,
						active: p.active ?? true
					})
				);
				return presentPlan(doc);
			}
		},

		listPlans: {
			rest: "GET /plans",
			access: ["billing:read"],
			openapi: { summary: "List billing plans", response: "List:Plan" },
			params: { ...LIST_QUERY, active: query({ type: "boolean" }) },
			async handler(this: BillingThis, ctx: Ctx) {
				const page = await this.repos.plans.forOrg(ctx.meta.principal.org_id).list(exactFilters(ctx.params, ["active"]), listOptions(ctx.params));
				return { ...page, items: page.items.map(presentPlan) };
			}
		},

		getPlan: {
			rest: "GET /plans/:plan_id",
			access: ["billing:read"],
			openapi: { summary: "Get a billing plan", response: "Plan" },
			params: { plan_id: "string" },
			async handler(this: BillingThis, ctx: Ctx) {
				return presentPlan(await this.requirePlan(ctx.meta.principal.org_id, ctx.params.plan_id));
			}
		},

		updatePlan: {
			rest: "PUT /plans/:plan_id",
			access: ["billing:admin"],
			audit: { action: "plan.update" },
			openapi: { summary: "Change a billing plan (draft invoices use it from now on)", response: "Plan" },
			params: { plan_id: "string", ...planRules(true) },
			async handler(this: BillingThis, ctx: Ctx) {
				const { plan_id, ...fields } = ctx.params;
				const plan = await this.requirePlan(ctx.meta.principal.org_id, plan_id);
				const set = Object.fromEntries(Object.keys(planRules(true)).filter(k => fields[k] !== undefined).map(k => [k, fields[k]]));
				const updated = await writeUnique("name", set.name, () => this.repos.plans.forOrg(plan.org_id).update(plan.id, set));
				return presentPlan(updated as PlanDoc);
			}
		},

		deletePlan: {
			rest: "DELETE /plans/:plan_id",
			access: ["billing:admin"],
			audit: { action: "plan.delete" },
			openapi: { summary: "Delete a billing plan no customer is on", status: 204 },
			params: { plan_id: "string" },
			async handler(this: BillingThis, ctx: Ctx) {
				const plan = await this.requirePlan(ctx.meta.principal.org_id, ctx.params.plan_id);
				const users = await this.repos.customers.forOrg(plan.org_id).find({ plan_id: plan.id }, { limit: 100 });
				if (users.length) {
					throw errors.resourceInUse(`${users.length} customer(s) are on this plan: move them to another plan first`, { customers: users.map(c => c.id) });
				}
				await this.repos.plans.forOrg(plan.org_id).delete(plan.id);
				return null;
			}
		},

		createCustomer: {
			rest: "POST /customers",
			access: ["billing:write"],
			audit: { action: "customer.create" },
			openapi: { summary: "Create a billing customer on a plan", status: 201, response: "Customer" },
			params: { external_id: { type: "string", min: 1, max: 128 }, ...customerRules(false) },
			async handler(this: BillingThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				await this.requireAssignablePlan(orgId, p.plan_id);
				const doc = await writeUnique("external_id", p.external_id, () =>
					this.repos.customers.forOrg(orgId).insert({
						id: newId("cus"),
						external_id: p.external_id,
						name: p.name,
						email: p.email ?? null,
						plan_id: p.plan_id,
						status: p.status ?? "active",
						metadata: p.metadata ?? {}
					})
				);
				await this.ledger.ensureDraft(doc, monthOf(new Date()));
				return presentCustomer(doc);
			}
		},

		listCustomers: {
			rest: "GET /customers",
			access: ["billing:read"],
			openapi: { summary: "List billing customers", response: "List:Customer" },
			params: {
				...LIST_QUERY,
				status: query({ type: "enum", values: [...CUSTOMER_STATUSES] }),
				plan_id: query({ type: "string", max: 64 }),
				search: query({ type: "string", min: 1, max: 200 })
			},
			async handler(this: BillingThis, ctx: Ctx) {
				const filter = { ...exactFilters(ctx.params, ["status", "plan_id"]), ...(ctx.params.search ? substringFilter(ctx.params.search, ["name", "external_id", "email"]) : {}) };
				const page = await this.repos.customers.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(c => presentCustomer(c)) };
			}
		},

		getCustomer: {
			rest: "GET /customers/:customer_id",
			access: ["billing:read"],
			openapi: { summary: "Get a billing customer", response: "Customer" },
			params: { customer_id: "string" },
			async handler(this: BillingThis, ctx: Ctx) {
				return presentCustomer(await this.requireCustomer(ctx.meta.principal.org_id, ctx.params.customer_id));
			}
		},

		updateCustomer: {
			rest: "PUT /customers/:customer_id",
			access: ["billing:write"],
			audit: { action: "customer.update" },
			openapi: { summary: "Change a billing customer (external_id is immutable)", response: "Customer" },
			params: { customer_id: "string", external_id: { type: "any", optional: true }, ...customerRules(true) },
			async handler(this: BillingThis, ctx: Ctx) {
				const { customer_id, external_id, ...fields } = ctx.params;
				const customer = await this.requireCustomer(ctx.meta.principal.org_id, customer_id);
				if (external_id !== undefined && external_id !== customer.external_id) {
					throw errors.fieldError("external_id", "is immutable: create another customer instead");
				}
				if (fields.plan_id !== undefined && fields.plan_id !== customer.plan_id) await this.requireAssignablePlan(customer.org_id, fields.plan_id);
				const set = Object.fromEntries(Object.keys(customerRules(true)).filter(k => fields[k] !== undefined).map(k => [k, fields[k]]));
				return presentCustomer((await this.repos.customers.forOrg(customer.org_id).update(customer.id, set)) as CustomerDoc);
			}
		},

		deleteCustomer: {
			rest: "DELETE /customers/:customer_id",
			access: ["billing:write"],
			audit: { action: "customer.delete" },
			openapi: { summary: "Delete a billing customer (its invoices are kept)", status: 204 },
			params: { customer_id: "string" },
			async handler(this: BillingThis, ctx: Ctx) {
				const customer = await this.requireCustomer(ctx.meta.principal.org_id, ctx.params.customer_id);
				await this.repos.customers.forOrg(customer.org_id).delete(customer.id);
				return null;
			}
		},

		customerUsage: {
			rest: "GET /customers/:customer_id/usage",
			access: ["billing:read"],
			openapi: { summary: "A customer's usage and amount due in a month", response: "Usage", query: ["period"] },
			params: { customer_id: "string", period: PERIOD_QUERY },
			async handler(this: BillingThis, ctx: Ctx) {
				const customer = await this.requireCustomer(ctx.meta.principal.org_id, ctx.params.customer_id);
				const month = monthNamed(ctx.params.period);
				const plan = await this.requirePlan(customer.org_id, customer.plan_id);
				return usageReport(customer.id, month, plan, await this.ledger.usageOf(customer.org_id, customer.id, month.key));
			}
		},

		usage: {
			rest: "GET /usage",
			access: ["billing:read"],
			openapi: { summary: "Usage of every customer in a month", response: "UsageReport" },
			params: { period: PERIOD_QUERY },
			async handler(this: BillingThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const month = monthNamed(ctx.params.period);
				const [customers, plans, totals] = await Promise.all([
					this.repos.customers.forOrg(orgId).find({}, { sort: { created_at: 1, id: 1 } }),
					this.repos.plans.forOrg(orgId).find({}),
					this.repos.usage_totals.forOrg(orgId).find({ period: month.key })
				]);
				const planById = new Map(plans.map(p => [p.id, p]));
				const usageByCustomer = new Map(totals.map(t => [t.customer_id, usageOf(t) as UsageTotals]));
				// A customer appears from the month it was created in.
				const items = customers
					.filter(c => planById.has(c.plan_id) && c.created_at < month.end)
					.map(c => usageReport(c.id, month, planById.get(c.plan_id) as PlanDoc, usageByCustomer.get(c.id) ?? NO_USAGE));
				const sum = (f: (u: (typeof items)[number]) => number) => items.reduce((n, u) => n + f(u), 0);
				return {
					period_start: month.start,
					period_end: month.end,
					totals: {
						runs: sum(u => u.runs),
						tokens_input: sum(u => u.tokens_input),
						tokens_output: sum(u => u.tokens_output),
						llm_cost_usd: sumUsd(items.map(u => u.llm_cost_usd)),
						amount_due_usd: sumUsd(items.map(u => u.amount_due_usd))
					},
					items
				};
			}
		},

		listInvoices: {
			rest: "GET /invoices",
			access: ["billing:read"],
			openapi: { summary: "List invoices (draft amounts computed live)", response: "List:Invoice" },
			params: {
				...LIST_QUERY,
				customer_id: query({ type: "string", max: 64 }),
				status: query({ type: "enum", values: [...INVOICE_STATUSES] }),
				period: PERIOD_QUERY
			},
			async handler(this: BillingThis, ctx: Ctx) {
				const page = await this.repos.invoices.forOrg(ctx.meta.principal.org_id).list(exactFilters(ctx.params, ["customer_id", "status", "period"]), listOptions(ctx.params));
				return { ...page, items: await Promise.all(page.items.map(inv => this.ledger.presentLive(inv))) };
			}
		},

		getInvoice: {
			rest: "GET /invoices/:invoice_id",
			access: ["billing:read"],
			openapi: { summary: "Get an invoice (draft amounts computed live)", response: "Invoice" },
			params: { invoice_id: "string" },
			async handler(this: BillingThis, ctx: Ctx) {
				return this.ledger.presentLive(await this.requireInvoice(ctx.meta.principal.org_id, ctx.params.invoice_id));
			}
		},

		markPaid: {
			rest: "POST /invoices/:invoice_id/mark-paid",
			access: ["billing:admin"],
			audit: { action: "invoice.mark_paid" },
			openapi: { summary: "Record the payment of an issued invoice", response: "Invoice" },
			params: { invoice_id: "string", paid_at: dateTime({ optional: true }) },
			async handler(this: BillingThis, ctx: Ctx) {
				const invoice = await this.requireInvoice(ctx.meta.principal.org_id, ctx.params.invoice_id);
				const paidAt = ctx.params.paid_at ? new Date(ctx.params.paid_at).toISOString() : nowIso();
				const paid = await this.repos.invoices.forOrg(invoice.org_id).updateWhere({ id: invoice.id, status: "issued" }, { $set: { status: "paid", paid_at: paidAt, updated_at: nowIso() } });
				if (!paid) throw errors.invalidStateTransition(invoice.status, "paid");
				return presentInvoice(paid);
			}
		},

		// Internal actions for other modules.

		/** Chat sessions and publications name billing customers (§19, §28). */
		customerExists: {
			visibility: "public",
			params: { org_id: "string", customer_id: "string" },
			async handler(this: BillingThis, ctx: Context<{ org_id: string; customer_id: string }>) {
				return (await this.repos.customers.forOrg(ctx.params.org_id).count({ id: ctx.params.customer_id })) > 0;
			}
		},


		/** Refusal of a run for this customer (suspended, or over a hard plan limit), or null. 404 for an unknown customer. */
		checkAcceptance: {
			visibility: "public",
			params: { org_id: "string", customer_id: "string" },
			async handler(this: BillingThis, ctx: Context<{ org_id: string; customer_id: string }>) {
				const customer = await this.repos.customers.forOrg(ctx.params.org_id).get(ctx.params.customer_id);
				if (!customer) throw errors.referenceNotFound("customer_id", "Customer");
				if (customer.status === "suspended") return { code: "CUSTOMER_SUSPENDED", message: `Customer ${customer.external_id} is suspended: no runs are accepted for it` };
				const plan = await this.repos.plans.forOrg(customer.org_id).get(customer.plan_id);
				if (!plan) return null;
				const month = monthOf(new Date());
				if (!hardLimitReached(plan, await this.ledger.usageOf(customer.org_id, customer.id, month.key))) return null;
				return {
					code: "PLAN_LIMIT_EXCEEDED",
					message: `Customer ${customer.external_id} has used the quota of plan ${plan.name} until ${month.end}`,
					details: { customer_id: customer.id, plan_id: plan.id, resets_at: month.end }
				};
			}
		}
	},

	events: {
		...Object.fromEntries(
			TERMINAL_RUN_EVENTS.map(name => [
				name,
				function (this: BillingThis, ctx: Context<{ org_id: string; run: any }>) {
					return this.ledger.meter(ctx.params.org_id, ctx.params.run);
				}
			])
		)
	},

	methods: {
		async requirePlan(this: BillingThis, orgId: string, id: string): Promise<PlanDoc> {
			const plan = await this.repos.plans.forOrg(orgId).get(id);
			if (!plan) throw errors.notFound("Plan");
			return plan;
		},

		async requireAssignablePlan(this: BillingThis, orgId: string, id: string): Promise<void> {
			const plan = await this.repos.plans.forOrg(orgId).get(id);
			if (!plan) throw errors.referenceNotFound("plan_id", "Plan");
			if (!plan.active) throw errors.fieldError("plan_id", "names an inactive plan: activate it or choose another");
		},

		async requireCustomer(this: BillingThis, orgId: string, id: string): Promise<CustomerDoc> {
			const customer = await this.repos.customers.forOrg(orgId).get(id);
			if (!customer) throw errors.notFound("Customer");
			return customer;
		},

		async requireInvoice(this: BillingThis, orgId: string, id: string): Promise<InvoiceDoc> {
			const invoice = await this.repos.invoices.forOrg(orgId).get(id);
			if (!invoice) throw errors.notFound("Invoice");
			return invoice;
		},

		/** Month end, for tests and the timer: see BillingLedger.issueDueInvoices. */
		issueDueInvoices(this: BillingThis, now?: Date) {
			return this.ledger.issueDueInvoices(now);
		}
	},

	async started(this: BillingThis) {
		this.ledger = new BillingLedger(this.repos, (event, payload) => this.broker.broadcast(event, payload));
		const tick = () => this.ledger.issueDueInvoices().catch((err: unknown) => this.logger.error({ err }, "Issuing invoices failed"));
		this.issueTimer = setInterval(tick, ISSUE_INTERVAL_MS);
		this.issueTimer.unref();
		void tick();
	},

	stopped(this: BillingThis) {
		if (this.issueTimer) clearInterval(this.issueTimer);
	}
};

export default BillingService;
