import { newId } from "../../lib/ids";
import { UniqueViolation, type Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { toMicros } from "../budgets/money";
import { lineItems, NO_USAGE, totalOf, type UsageTotals } from "./invoicing";
import { presentInvoice, usageOf, type Counter, type CustomerDoc, type InvoiceDoc, type MeteredRunDoc, type PlanDoc, type UsageTotalsDoc } from "./model";
import { monthOf, type Month } from "./periods";

export interface BillingRepos {
	plans: Repository<PlanDoc>;
	customers: Repository<CustomerDoc>;
	metered_runs: Repository<MeteredRunDoc>;
	usage_totals: Repository<UsageTotalsDoc>;
	invoices: Repository<InvoiceDoc>;
	counters: Repository<Counter>;
}

/** Metering of runs, usage totals and the invoices of each customer and month (§24). */
export class BillingLedger {
	private openedMonth: string | null = null;

	constructor(
		private readonly repos: BillingRepos,
		private readonly broadcast: (event: string, payload: Record<string, unknown>) => void
	) {}

	async usageOf(orgId: string, customerId: string, period: string): Promise<UsageTotals> {
		return usageOf(await this.repos.usage_totals.forOrg(orgId).findOne({ customer_id: customerId, period })) ?? NO_USAGE;
	}

	/** A draft's lines come from the customer's plan and usage as they are now; issued ones are frozen. */
	async presentLive(invoice: InvoiceDoc) {
		if (invoice.status !== "draft") return presentInvoice(invoice);
		const customer = await this.repos.customers.forOrg(invoice.org_id).get(invoice.customer_id);
		const plan = customer ? await this.repos.plans.forOrg(invoice.org_id).get(customer.plan_id) : null;
		if (!plan) return presentInvoice(invoice);
		const items = lineItems(plan, await this.usageOf(invoice.org_id, invoice.customer_id, invoice.period));
		return presentInvoice(invoice, { line_items: items, subtotal_usd: totalOf(items) });
	}

	/** Counts a terminal run once for its customer's period (a run event delivered twice is counted once). */
	async meter(orgId: string, run: any) {
		if (!run?.customer_id || !orgId) return;
		// A run this module refused never ran: it is not billed (budget refusals are, as terminal runs).
		if (run.status === "blocked" && ["PLAN_LIMIT_EXCEEDED", "CUSTOMER_SUSPENDED"].includes(run.error?.code)) return;
		const customer = await this.repos.customers.forOrg(orgId).get(run.customer_id);
		if (!customer) return;
		const month = monthOf(new Date(run.created_at ?? Date.now()));
		const tokens = { tokens_input: run.tokens_input ?? 0, tokens_output: run.tokens_output ?? 0, llm_cost_micros: toMicros(run.cost_usd ?? 0) };
		try {
			await this.repos.metered_runs.forOrg(orgId).insert({ id: `meter_${run.id}`, customer_id: customer.id, period: month.key, ...tokens });
		} catch (err) {
			if (err instanceof UniqueViolation) return;
			throw err;
		}
		const totals = this.repos.usage_totals.forOrg(orgId);
		const inc = { $inc: { runs: 1, ...tokens }, $set: { updated_at: nowIso() } };
		if (!(await totals.updateWhere({ customer_id: customer.id, period: month.key }, inc))) {
			try {
				await totals.insert({ id: newId("usage"), customer_id: customer.id, period: month.key, runs: 1, ...tokens });
			} catch (err) {
				if (!(err instanceof UniqueViolation)) throw err;
				await totals.updateWhere({ customer_id: customer.id, period: month.key }, inc);
			}
		}
		await this.ensureDraft(customer, month);
	}

	/** The one draft invoice of a customer for a month, numbered `INV-000001`… per org. */
	async ensureDraft(customer: CustomerDoc, month: Month) {
		const invoices = this.repos.invoices.forOrg(customer.org_id);
		if (await invoices.findOne({ customer_id: customer.id, period: month.key })) return;
		try {
			await invoices.insert({
				id: newId("inv"),
				customer_id: customer.id,
				number: await this.nextInvoiceNumber(customer.org_id),
				period: month.key,
				period_start: month.start,
				period_end: month.end,
				status: "draft",
				line_items: null,
				subtotal_usd: null,
				issued_at: null,
				paid_at: null
			});
		} catch (err) {
			if (!(err instanceof UniqueViolation)) throw err;
		}
	}

	async nextInvoiceNumber(orgId: string): Promise<string> {
		const counters = this.repos.counters.forOrg(orgId);
		const id = `invseq_${orgId}`;
		let counter = await counters.updateWhere({ id }, { $inc: { value: 1 } });
		if (!counter) {
			try {
				counter = await counters.insert({ id, value: 1 });
			} catch (err) {
				if (!(err instanceof UniqueViolation)) throw err;
				counter = (await counters.updateWhere({ id }, { $inc: { value: 1 } })) as Counter;
			}
		}
		return `INV-${String(counter.value).padStart(6, "0")}`;
	}

	/** Freezes the drafts of months that have ended as `issued`, then opens this month's drafts. */
	async issueDueInvoices(now = new Date()) {
		const due = await this.repos.invoices.platformWide().find({ status: "draft", period_end: { $lte: now.toISOString() } });
		for (const draft of due) {
			const live = await this.presentLive(draft);
			const issuedAt = nowIso();
			const issued = await this.repos.invoices
				.forOrg(draft.org_id)
				.updateWhere({ id: draft.id, status: "draft" }, { $set: { status: "issued", line_items: live.line_items, subtotal_usd: live.subtotal_usd, issued_at: issuedAt, updated_at: issuedAt } });
			if (issued) {
				this.broadcast("billing.invoice_issued", {
					org_id: issued.org_id,
					invoice_id: issued.id,
					customer_id: issued.customer_id,
					number: issued.number,
					period_start: issued.period_start,
					period_end: issued.period_end,
					total_usd: live.total_usd
				});
			}
		}
		// A month's drafts are opened once (customers created later get theirs at creation).
		const month = monthOf(now);
		if (month.key === this.openedMonth) return;
		for (const customer of await this.repos.customers.platformWide().find({})) await this.ensureDraft(customer, month);
		this.openedMonth = month.key;
	}
}
