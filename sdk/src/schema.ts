// Generated from the served /openapi.json by `npm run sdk:generate`. Do not edit by hand.

export interface paths {
    "/api/v1/admin/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dependency health */
        get: operations["admin.health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/maintenance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn maintenance mode on or off */
        post: operations["admin.maintenance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/orgs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List organizations */
        get: operations["admin.listOrgs"];
        put?: never;
        /** Create an organization with its owner */
        post: operations["admin.createOrgWithOwner"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/orgs/{org_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an organization */
        get: operations["admin.getOrgAdmin"];
        /** Change an organization's name, status or limits */
        put: operations["admin.updateOrg"];
        post?: never;
        /** Delete an organization and all its data */
        delete: operations["admin.deleteOrg"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Instance settings */
        get: operations["admin.getSettings"];
        /** Change instance settings */
        put: operations["admin.updateSettings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Instance statistics */
        get: operations["admin.stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/workers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Nodes of the cluster */
        get: operations["admin.workers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List agents */
        get: operations["agents.listAgents"];
        put?: never;
        /** Create an agent (version 1, status draft) */
        post: operations["agents.createAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{agent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an agent */
        get: operations["agents.getAgent"];
        /** Change an agent; a changed configuration becomes a new version */
        put: operations["agents.updateAgent"];
        post?: never;
        /** Delete an agent and everything scoped to it (runs are kept) */
        delete: operations["agents.deleteAgent"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{agent_id}/costs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Spend of an agent per day or month */
        get: operations["agents.agentCosts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{agent_id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs of an agent */
        get: operations["agents.agentRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{agent_id}/tools": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Attach tools to an agent */
        post: operations["agents.attachTools"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{agent_id}/tools/{tool_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Detach a tool from an agent */
        delete: operations["agents.detachTool"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/agents/{agent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Figures of one agent */
        get: operations["analytics.agentAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/dashboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dashboard figures of the org over a window */
        get: operations["analytics.dashboard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model calls by model */
        get: operations["analytics.models"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/timeseries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One metric per hour or day bucket */
        get: operations["analytics.timeseries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/tools": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tool calls by tool */
        get: operations["analytics.tools"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/top-agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Agents ranked by runs, cost, tokens, errors or latency */
        get: operations["analytics.topAgents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Query the audit log */
        get: operations["audit.list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/logs/{log_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one audit entry */
        get: operations["audit.get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/logs/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export the audit log as a JSON or CSV attachment */
        get: operations["audit.export"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recompute the hash chain and report the first broken entry */
        get: operations["audit.verify"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/change-password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change your password; your other sessions are revoked */
        post: operations["auth.changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with e-mail and password */
        post: operations["auth.login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke the current access token and its refresh token family */
        post: operations["auth.logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who am I: principal, org, roles and permissions */
        get: operations["auth.me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange a refresh token for a new token pair */
        post: operations["auth.refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an organization and its first owner */
        post: operations["auth.register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List billing customers */
        get: operations["billing.listCustomers"];
        put?: never;
        /** Create a billing customer on a plan */
        post: operations["billing.createCustomer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/customers/{customer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a billing customer */
        get: operations["billing.getCustomer"];
        /** Change a billing customer (external_id is immutable) */
        put: operations["billing.updateCustomer"];
        post?: never;
        /** Delete a billing customer (its invoices are kept) */
        delete: operations["billing.deleteCustomer"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/customers/{customer_id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A customer's usage and amount due in a month */
        get: operations["billing.customerUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List invoices (draft amounts computed live) */
        get: operations["billing.listInvoices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/invoices/{invoice_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an invoice (draft amounts computed live) */
        get: operations["billing.getInvoice"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/invoices/{invoice_id}/mark-paid": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record the payment of an issued invoice */
        post: operations["billing.markPaid"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List billing plans */
        get: operations["billing.listPlans"];
        put?: never;
        /** Create a billing plan */
        post: operations["billing.createPlan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/plans/{plan_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a billing plan */
        get: operations["billing.getPlan"];
        /** Change a billing plan (draft invoices use it from now on) */
        put: operations["billing.updatePlan"];
        post?: never;
        /** Delete a billing plan no customer is on */
        delete: operations["billing.deletePlan"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/billing/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage of every customer in a month */
        get: operations["billing.usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List budgets */
        get: operations["budgets.listBudgets"];
        put?: never;
        /** Create a budget */
        post: operations["budgets.createBudget"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/{budget_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a budget */
        get: operations["budgets.getBudget"];
        /** Change a budget (applies immediately) */
        put: operations["budgets.updateBudget"];
        post?: never;
        /** Delete a budget and its alerts */
        delete: operations["budgets.deleteBudget"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/{budget_id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage of one budget in its current period */
        get: operations["budgets.getUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Budget alerts (default: unacknowledged, current periods) */
        get: operations["budgets.listAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/alerts/{alert_id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge a budget alert */
        post: operations["budgets.acknowledgeAlert"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage of the org's budgets in their current periods */
        get: operations["budgets.listUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List chat sessions */
        get: operations["chat.listSessions"];
        put?: never;
        /** Open a chat session with an agent */
        post: operations["chat.createSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/sessions/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a chat session */
        get: operations["chat.getSession"];
        /** Rename, annotate or close a chat session */
        put: operations["chat.updateSession"];
        post?: never;
        /** Delete a chat session, its messages and its session memory (runs are kept) */
        delete: operations["chat.deleteSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/sessions/{session_id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Messages of a chat session */
        get: operations["chat.listMessages"];
        put?: never;
        /** Send a message; answers the reply (or streams it with stream: true) */
        post: operations["chat.sendMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chat/sessions/{session_id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a message and stream the reply (SSE) */
        post: operations["chat.streamMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/coordination/delegate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Delegate a task to another agent: a run on the target */
        post: operations["coordination.delegate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/coordination/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List agent messages */
        get: operations["coordination.listMessages"];
        put?: never;
        /** Send a message from one agent to another (request and delegate start a run on the target) */
        post: operations["coordination.sendMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/coordination/messages/{message_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an agent message */
        get: operations["coordination.getMessage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/coordination/trust-policies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List trust policies */
        get: operations["coordination.listPolicies"];
        put?: never;
        /** Create a trust policy source → target */
        post: operations["coordination.createPolicy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/coordination/trust-policies/{policy_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a trust policy */
        get: operations["coordination.getPolicy"];
        /** Change a trust policy */
        put: operations["coordination.updatePolicy"];
        post?: never;
        /** Delete a trust policy */
        delete: operations["coordination.deletePolicy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/coordination/trust-policies/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Would this agent-to-agent action be allowed? (sends nothing) */
        post: operations["coordination.checkPolicy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cost/recommendations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Cheaper models for agents with small inputs (recomputed daily) */
        get: operations["cost.recommendations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cost/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List cost rules (by priority unless `order` is given) */
        get: operations["cost.listRules"];
        put?: never;
        /** Create a cost rule */
        post: operations["cost.createRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cost/rules/{rule_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a cost rule */
        get: operations["cost.getRule"];
        /** Change a cost rule */
        put: operations["cost.updateRule"];
        post?: never;
        /** Delete a cost rule */
        delete: operations["cost.deleteRule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cost/savings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Savings of cost rules over a window */
        get: operations["cost.savings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cost/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Spend over a window, grouped */
        get: operations["cost.summary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The org's event log */
        get: operations["events.listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/{event_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an event */
        get: operations["events.getEvent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/emit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Emit a custom event (stored with its deliveries before the answer) */
        post: operations["events.emit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live events of the org (SSE) */
        get: operations["events.stream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List subscriptions */
        get: operations["events.listSubscriptions"];
        put?: never;
        /** Subscribe an agent or a webhook to event types */
        post: operations["events.createSubscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/subscriptions/{subscription_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a subscription */
        get: operations["events.getSubscription"];
        /** Change a subscription (partial update) */
        put: operations["events.updateSubscription"];
        post?: never;
        /** Delete a subscription and its deliveries */
        delete: operations["events.deleteSubscription"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/subscriptions/{subscription_id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deliveries of a subscription (the outbox and its outcomes) */
        get: operations["events.listDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The catalogue of built-in event types */
        get: operations["events.listTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/governance/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The approvals inbox (default: pending) */
        get: operations["governance.listApprovals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/governance/approvals/{approval_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an approval */
        get: operations["governance.getApproval"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/governance/approvals/{approval_id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve: the waiting call executes and the run resumes */
        post: operations["governance.approve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/governance/approvals/{approval_id}/delegate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hand a pending approval to other users of the org */
        post: operations["governance.delegate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/governance/approvals/{approval_id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject: the waiting run fails */
        post: operations["governance.reject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/governance/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What the agent's policies would do (records nothing) */
        post: operations["governance.evaluate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/governance/policies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List policies */
        get: operations["governance.listPolicies"];
        put?: never;
        /** Create a policy */
        post: operations["governance.createPolicy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/governance/policies/{policy_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a policy */
        get: operations["governance.getPolicy"];
        /** Change a policy (applies to the next check of every run) */
        put: operations["governance.updatePolicy"];
        post?: never;
        /** Delete a policy */
        delete: operations["governance.deletePolicy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/governance/violations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List violations */
        get: operations["governance.listViolations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/intelligence/agents/{agent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Quality of one agent: averages, per version, per day, open anomalies */
        get: operations["intelligence.agentQuality"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/intelligence/anomalies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List anomalies (detected hourly) */
        get: operations["intelligence.listAnomalies"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/intelligence/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Score a completed run (heuristic, llm_judge or human) */
        post: operations["intelligence.evaluate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/intelligence/evaluations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List evaluations */
        get: operations["intelligence.listEvaluations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/intelligence/insights": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List insights (regenerated daily) */
        get: operations["intelligence.listInsights"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/intelligence/quality-scores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Average quality per agent over a window */
        get: operations["intelligence.qualityScores"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/intelligence/recommendations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List recommendations (regenerated daily) */
        get: operations["intelligence.listRecommendations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/collections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List knowledge collections */
        get: operations["knowledge.listCollections"];
        put?: never;
        /** Create a knowledge collection */
        post: operations["knowledge.createCollection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/collections/{collection_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a knowledge collection */
        get: operations["knowledge.getCollection"];
        /** Rename or describe a collection (chunking and model are immutable) */
        put: operations["knowledge.updateCollection"];
        post?: never;
        /** Delete a collection, its documents and chunks; agents lose it (new versions) */
        delete: operations["knowledge.deleteCollection"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/collections/{collection_id}/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Attach the collection to an agent (new agent version) */
        post: operations["knowledge.attachAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/collections/{collection_id}/agents/{agent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Detach the collection from an agent (new agent version) */
        delete: operations["knowledge.detachAgent"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/collections/{collection_id}/documents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the documents of a collection */
        get: operations["knowledge.listDocuments"];
        put?: never;
        /** Upload a document (multipart file, or JSON text); processed asynchronously. A name already in the collection is re-indexed */
        post: operations["knowledge.uploadDocument"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/documents/{document_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a document and its processing status */
        get: operations["knowledge.getDocument"];
        put?: never;
        post?: never;
        /** Delete a document and its chunks */
        delete: operations["knowledge.deleteDocument"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/knowledge/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hybrid (semantic + keyword) search over collections */
        post: operations["knowledge.searchKnowledge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/{agent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lifecycle state of an agent */
        get: operations["lifecycle.getState"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/{agent_id}/ab-tests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A/B tests of an agent */
        get: operations["lifecycle.listAbTests"];
        put?: never;
        /** Start an A/B test between two versions of an agent */
        post: operations["lifecycle.createAbTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/{agent_id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lifecycle history of an agent */
        get: operations["lifecycle.listHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/{agent_id}/promote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move an agent to another state */
        post: operations["lifecycle.promote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/{agent_id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Append a version equal to an earlier one */
        post: operations["lifecycle.rollback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/{agent_id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Configuration versions of an agent, newest first */
        get: operations["lifecycle.listVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/{agent_id}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One configuration version of an agent */
        get: operations["lifecycle.getVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/ab-tests/{test_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An A/B test with live metrics */
        get: operations["lifecycle.getAbTest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lifecycle/ab-tests/{test_id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a running A/B test, optionally naming the winner */
        post: operations["lifecycle.stopAbTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/marketplace/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Template categories with the number of templates this org can see */
        get: operations["marketplace.categories"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/marketplace/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Browse the templates this org can see (its own, public and built-in) */
        get: operations["marketplace.listTemplates"];
        put?: never;
        /** Publish a template from an agent of this org */
        post: operations["marketplace.createTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/marketplace/templates/{template_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a template this org can see */
        get: operations["marketplace.getTemplate"];
        /** Change an own template; `agent_id` refreshes its snapshot (version + 1) */
        put: operations["marketplace.updateTemplate"];
        post?: never;
        /** Delete an own template (installed agents are unaffected) */
        delete: operations["marketplace.deleteTemplate"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/marketplace/templates/{template_id}/install": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Install a template as a draft agent of this org, with its tools */
        post: operations["marketplace.install"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/marketplace/templates/{template_id}/reviews": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reviews of a template */
        get: operations["marketplace.listReviews"];
        put?: never;
        /** Review a template of another org (one review per org) */
        post: operations["marketplace.createReview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mcp/servers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List MCP servers */
        get: operations["mcp.listServers"];
        put?: never;
        /** Connect an MCP server (its tools are discovered at once) */
        post: operations["mcp.createServer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mcp/servers/{server_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an MCP server */
        get: operations["mcp.getServer"];
        /** Change an MCP server (rediscovered when its connection changes) */
        put: operations["mcp.updateServer"];
        post?: never;
        /** Delete an MCP server; its tools are detached from agents and deleted */
        delete: operations["mcp.deleteServer"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mcp/servers/{server_id}/discover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Discover the server's tools now */
        post: operations["mcp.discover"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mcp/servers/{server_id}/tools": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tools discovered on a server */
        get: operations["mcp.listTools"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mcp/servers/{server_id}/user-credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** End-user credentials of a server (tokens never shown) */
        get: operations["mcp.listCredentials"];
        put?: never;
        /** Store an end user's own token for a per_user_bearer server */
        post: operations["mcp.createCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mcp/servers/{server_id}/user-credentials/{end_user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete an end user's credential */
        delete: operations["mcp.deleteCredential"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memory": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List memory entries */
        get: operations["memory.listMemories"];
        put?: never;
        /** Store a memory entry (embedded for semantic search) */
        post: operations["memory.createMemory"];
        /** Delete the entries matching the filters (at least one of agent_id, end_user_id, session_id) */
        delete: operations["memory.deleteMemories"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memory/{memory_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a memory entry */
        get: operations["memory.getMemory"];
        /** Change a memory entry (new content is embedded again) */
        put: operations["memory.updateMemory"];
        post?: never;
        /** Delete a memory entry */
        delete: operations["memory.deleteMemory"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memory/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Search memory by meaning and keywords */
        post: operations["memory.searchMemories"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List prompt templates */
        get: operations["prompts.listPrompts"];
        put?: never;
        /** Create a prompt template (version 1) */
        post: operations["prompts.createPrompt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts/{prompt_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a prompt template */
        get: operations["prompts.getPrompt"];
        /** Change a prompt template; a new template or variables make a new version */
        put: operations["prompts.updatePrompt"];
        post?: never;
        /** Delete a prompt template that no agent references */
        delete: operations["prompts.deletePrompt"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts/{prompt_id}/render": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Render a prompt template with values (changes nothing) */
        post: operations["prompts.render"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts/{prompt_id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Try a rendered prompt against a model (not a run; counts toward org budgets) */
        post: operations["prompts.testPrompt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts/{prompt_id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Versions of a prompt template, newest first */
        get: operations["prompts.listVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts/{prompt_id}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version of a prompt template */
        get: operations["prompts.getVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List provider configurations (never the api key) */
        get: operations["providers.listProviders"];
        put?: never;
        /** Connect an LLM vendor */
        post: operations["providers.createProvider"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers/{provider_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a provider configuration */
        get: operations["providers.getProvider"];
        /** Change a provider configuration */
        put: operations["providers.updateProvider"];
        post?: never;
        /** Remove a provider configuration */
        delete: operations["providers.deleteProvider"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers/{provider_id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make one small real call through the provider */
        post: operations["providers.testProvider"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The model catalogue with this organization's prices and availability */
        get: operations["providers.listModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/providers/models/{model_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Override a model's prices or context window for this organization */
        put: operations["providers.updateModel"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/public/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What a visitor's page may know of a publication */
        get: operations["public.info"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/public/{slug}/chat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Chat with a published agent (stream: true answers SSE as chat does) */
        post: operations["public.chat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/public/{slug}/mcp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** MCP server endpoint of the published agent (JSON-RPC 2.0, Streamable HTTP 2025-03-26) */
        post: operations["public.mcp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/public/{slug}/sessions/{session_id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Messages of a session opened through this publication */
        get: operations["public.messages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/public/{slug}/widget.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The embeddable chat widget (reads data-key from its script tag) */
        get: operations["public.widget"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List publications */
        get: operations["publish.listPublications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/publish/{publication_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a publication */
        get: operations["publish.getPublication"];
        /** Change a publication (its slug is immutable) */
        put: operations["publish.updatePublication"];
        post?: never;
        /** Unpublish: the public endpoints answer 404 at once (chat sessions are kept) */
        delete: operations["publish.deletePublication"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/publish/{publication_id}/embed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Embed codes of a publication: script tag, iframe, URLs */
        get: operations["publish.embedCodes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/publish/{publication_id}/rotate-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the public key; the old one stops working at once */
        post: operations["publish.rotateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/publish/agents/{agent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish an active agent: public chat, widget and MCP endpoint */
        post: operations["publish.publishAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API keys (never the key itself) */
        get: operations["rbac.listKeys"];
        put?: never;
        /** Create an API key (shown once) */
        post: operations["rbac.createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/api-keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an API key (never the key itself) */
        get: operations["rbac.getKey"];
        put?: never;
        post?: never;
        /** Revoke an API key */
        delete: operations["rbac.revokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/api-keys/{key_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issue a new key value; the old one stays valid for grace_seconds */
        post: operations["rbac.rotateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The permission catalogue */
        get: operations["rbac.listPermissions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/roles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List roles, built-in ones included */
        get: operations["rbac.listRoles"];
        put?: never;
        /** Create a custom role */
        post: operations["rbac.createRole"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/roles/{role_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a role */
        get: operations["rbac.getRole"];
        /** Change a custom role */
        put: operations["rbac.updateRole"];
        post?: never;
        /** Delete a custom role no one holds */
        delete: operations["rbac.deleteRole"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List users */
        get: operations["rbac.listUsers"];
        put?: never;
        /** Create a user */
        post: operations["rbac.createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/users/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a user */
        get: operations["rbac.getUser"];
        /** Change a user's name, status or password */
        put: operations["rbac.updateUser"];
        post?: never;
        /** Delete a user, its sessions and its API keys */
        delete: operations["rbac.deleteUser"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/users/{user_id}/roles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Replace a user's roles */
        put: operations["rbac.setUserRoles"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runtime/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run an agent and wait for the result */
        post: operations["runtime.execute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runtime/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List runs */
        get: operations["runtime.listRuns"];
        put?: never;
        /** Start a run of an agent */
        post: operations["runtime.createRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runtime/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a run */
        get: operations["runtime.getRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runtime/runs/{run_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a queued, running or paused run */
        post: operations["runtime.cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runtime/runs/{run_id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replay a finished run against another agent version */
        post: operations["runtime.replay"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runtime/runs/{run_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a failed, cancelled or blocked run again */
        post: operations["runtime.retry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runtime/runs/{run_id}/steps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Steps of a run, index ascending */
        get: operations["runtime.listSteps"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runtime/runs/{run_id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live run events (SSE) */
        get: operations["runtime.stream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/scaling/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Scaling decisions */
        get: operations["scaling.events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/scaling/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live scaling metrics of the org and of every runnable agent */
        get: operations["scaling.metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/scaling/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List scaling rules */
        get: operations["scaling.listRules"];
        put?: never;
        /** Create a scaling rule */
        post: operations["scaling.createRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/scaling/rules/{rule_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a scaling rule */
        get: operations["scaling.getRule"];
        /** Change a scaling rule */
        put: operations["scaling.updateRule"];
        post?: never;
        /** Delete a scaling rule */
        delete: operations["scaling.deleteRule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List schedules */
        get: operations["schedules.listSchedules"];
        put?: never;
        /** Create a schedule that runs an agent on a cron expression or an interval */
        post: operations["schedules.createSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schedules/{schedule_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a schedule */
        get: operations["schedules.getSchedule"];
        /** Change a schedule; next_run_at is recomputed */
        put: operations["schedules.updateSchedule"];
        post?: never;
        /** Delete a schedule (its runs are kept) */
        delete: operations["schedules.deleteSchedule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schedules/{schedule_id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs started by a schedule */
        get: operations["schedules.listScheduleRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schedules/{schedule_id}/trigger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run the schedule's agent now (also while disabled; next_run_at stays) */
        post: operations["schedules.triggerSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schedules/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The next firing times of a cron expression or interval */
        post: operations["schedules.previewSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List secrets (metadata only) */
        get: operations["secrets.listSecrets"];
        put?: never;
        /** Store a secret (its value never comes back) */
        post: operations["secrets.createSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/secrets/{secret_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a secret's metadata */
        get: operations["secrets.getSecret"];
        /** Change a secret; a new value counts as a rotation */
        put: operations["secrets.updateSecret"];
        post?: never;
        /** Delete a secret; references to it then fail with SECRET_NOT_FOUND */
        delete: operations["secrets.deleteSecret"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/secrets/{secret_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace a secret's value (version +1) */
        post: operations["secrets.rotateSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tools": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List tools */
        get: operations["tools.list"];
        put?: never;
        /** Register a tool */
        post: operations["tools.create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tools/{tool_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a tool */
        get: operations["tools.get"];
        /** Change a tool */
        put: operations["tools.update"];
        post?: never;
        /** Delete a tool (force=true detaches it from agents first) */
        delete: operations["tools.remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tools/{tool_id}/circuit/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close a tool's circuit breaker */
        post: operations["tools.resetCircuit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tools/{tool_id}/invocations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tool's invocation log */
        get: operations["tools.invocations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tools/{tool_id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Call a tool for real with a test input */
        post: operations["tools.test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List workflows */
        get: operations["workflows.listWorkflows"];
        put?: never;
        /** Create a workflow (a DAG of agent steps) */
        post: operations["workflows.createWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows/{workflow_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a workflow */
        get: operations["workflows.getWorkflow"];
        /** Change a workflow; running executions keep their version */
        put: operations["workflows.updateWorkflow"];
        post?: never;
        /** Delete a workflow (its executions are kept) */
        delete: operations["workflows.deleteWorkflow"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows/{workflow_id}/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start an execution of a workflow */
        post: operations["workflows.execute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows/{workflow_id}/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Executions of a workflow */
        get: operations["workflows.listExecutions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows/executions/{execution_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an execution */
        get: operations["workflows.getExecution"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows/executions/{execution_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a queued or running execution and its step runs */
        post: operations["workflows.cancelExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows/executions/{execution_id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live execution events (SSE) */
        get: operations["workflows.streamExecution"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check a workflow graph without saving it */
        post: operations["workflows.validate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ABTest: {
            agent_id?: string;
            auto_rollback?: {
                enabled?: boolean;
                error_rate_threshold?: number;
                min_runs?: number;
            };
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            ended_at?: string | null;
            id?: string;
            metrics?: {
                a?: {
                    avg_cost_usd?: number;
                    avg_latency_ms?: number;
                    avg_quality_score?: number | null;
                    avg_tokens?: number;
                    completed?: number;
                    error_rate?: number;
                    failed?: number;
                    runs?: number;
                    success_rate?: number;
                    version?: number;
                };
                b?: {
                    avg_cost_usd?: number;
                    avg_latency_ms?: number;
                    avg_quality_score?: number | null;
                    avg_tokens?: number;
                    completed?: number;
                    error_rate?: number;
                    failed?: number;
                    runs?: number;
                    success_rate?: number;
                    version?: number;
                };
            };
            name?: string | null;
            org_id?: string;
            /** Format: date-time */
            started_at?: string;
            /** @enum {unknown} */
            status?: "running" | "completed" | "rolled_back";
            traffic_split?: number;
            /** Format: date-time */
            updated_at?: string;
            version_a?: number;
            version_b?: number;
            /** @enum {unknown} */
            winner?: "a" | "b" | null;
        };
        Agent: {
            /** Format: date-time */
            created_at?: string;
            created_by?: string | null;
            description?: string;
            id?: string;
            knowledge_collection_ids?: string[];
            max_cost_usd_per_run?: number | null;
            max_steps?: number;
            max_tokens?: number;
            memory_enabled?: boolean;
            metadata?: Record<string, unknown>;
            model?: string;
            name?: string;
            org_id?: string;
            prompt_id?: string | null;
            prompt_variables?: Record<string, unknown>;
            prompt_version?: number | null;
            /** @enum {unknown} */
            status?: "draft" | "testing" | "active" | "suspended" | "archived";
            system_prompt?: string;
            tags?: string[];
            team?: string | null;
            temperature?: number;
            timeout_seconds?: number;
            tools?: string[];
            /** Format: date-time */
            updated_at?: string;
            version?: number;
        };
        AgentAnalytics: {
            agent_id?: string;
            avg_latency_ms?: number;
            avg_quality_score?: number | null;
            blocked?: number;
            by_trigger?: {
                api?: number;
                chat?: number;
                coordination?: number;
                event?: number;
                public?: number;
                schedule?: number;
                workflow?: number;
            };
            cancelled?: number;
            completed?: number;
            cost_usd?: number;
            failed?: number;
            p95_latency_ms?: number;
            /** Format: date-time */
            period_end?: string;
            /** Format: date-time */
            period_start?: string;
            runs?: number;
            success_rate?: number;
            tokens_input?: number;
            tokens_output?: number;
            tool_calls?: number;
        };
        AgentCosts: {
            agent_id?: string;
            /** Format: date-time */
            end?: string;
            /** @enum {unknown} */
            granularity?: "day" | "month";
            items?: {
                cost_usd?: number;
                /** Format: date-time */
                period_start?: string;
                runs?: number;
                tokens_input?: number;
                tokens_output?: number;
            }[];
            /** Format: date-time */
            start?: string;
            total_cost_usd?: number;
        };
        AgentMessage: {
            content?: string;
            /** Format: date-time */
            created_at?: string;
            from_agent_id?: string;
            id?: string;
            in_reply_to?: string | null;
            /** @enum {unknown} */
            message_type?: "request" | "response" | "notify" | "delegate";
            metadata?: Record<string, unknown>;
            org_id?: string;
            origin_run_id?: string | null;
            run_id?: string | null;
            to_agent_id?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        AgentQuality: {
            agent_id?: string;
            avg_score?: number | null;
            by_version?: {
                avg_score?: number | null;
                evaluated_runs?: number;
                version?: number;
            }[];
            daily?: {
                avg_score?: number | null;
                date?: string;
                evaluated_runs?: number;
            }[];
            dimensions?: {
                accuracy?: number;
                helpfulness?: number;
                relevance?: number;
                safety?: number;
            } | null;
            evaluated_runs?: number;
            open_anomalies?: number;
            /** Format: date-time */
            period_end?: string;
            /** Format: date-time */
            period_start?: string;
        };
        AgentVersion: {
            agent_id?: string;
            changed_fields?: string[];
            config?: {
                description?: string;
                knowledge_collection_ids?: string[];
                max_cost_usd_per_run?: number | null;
                max_steps?: number;
                max_tokens?: number;
                memory_enabled?: boolean;
                model?: string;
                prompt_id?: string | null;
                prompt_variables?: Record<string, unknown>;
                prompt_version?: number | null;
                system_prompt?: string;
                temperature?: number;
                timeout_seconds?: number;
                tools?: string[];
            };
            /** Format: date-time */
            created_at?: string;
            created_by?: string | null;
            id?: string;
            org_id?: string;
            /** @enum {unknown} */
            source?: "create" | "update" | "tools" | "knowledge" | "rollback" | "ab_test_winner";
            /** Format: date-time */
            updated_at?: string;
            version?: number;
        };
        AnalyticsDashboard: {
            active_agents?: number;
            avg_latency_ms?: number;
            blocked_runs?: number;
            cancelled_runs?: number;
            completed_runs?: number;
            failed_runs?: number;
            p95_latency_ms?: number;
            pending_approvals?: number;
            /** Format: date-time */
            period_end?: string;
            /** Format: date-time */
            period_start?: string;
            success_rate?: number;
            tokens_input?: number;
            tokens_output?: number;
            total_agents?: number;
            total_cost_usd?: number;
            total_runs?: number;
            total_savings_usd?: number;
        };
        AnalyticsModels: {
            items?: {
                avg_latency_ms?: number;
                calls?: number;
                cost_usd?: number;
                error_rate?: number;
                model?: string;
                provider?: string | null;
                tokens_input?: number;
                tokens_output?: number;
            }[];
        };
        AnalyticsTimeseries: {
            /** Format: date-time */
            end?: string;
            /** @enum {unknown} */
            interval?: "hour" | "day";
            /** @enum {unknown} */
            metric?: "runs" | "completed_runs" | "failed_runs" | "cost" | "tokens" | "latency_avg" | "latency_p95" | "error_rate";
            points?: {
                /** Format: date-time */
                timestamp?: string;
                value?: number | null;
            }[];
            /** Format: date-time */
            start?: string;
        };
        AnalyticsTools: {
            items?: {
                approvals_requested?: number;
                avg_latency_ms?: number;
                calls?: number;
                denied?: number;
                error_rate?: number;
                errors?: number;
                tool_id?: string | null;
                tool_name?: string;
            }[];
        };
        AnalyticsTopAgents: {
            /** @enum {unknown} */
            by?: "runs" | "cost" | "tokens" | "errors" | "latency";
            items?: {
                agent_id?: string;
                agent_name?: string | null;
                value?: number;
            }[];
        };
        Anomaly: {
            agent_id?: string;
            /** Format: date-time */
            created_at?: string;
            deviation?: number;
            expected_value?: number;
            id?: string;
            /** @enum {unknown} */
            metric?: "cost" | "latency" | "error_rate" | "tokens";
            observed_value?: number;
            org_id?: string;
            /** @enum {unknown} */
            severity?: "low" | "medium" | "high";
            /** @enum {unknown} */
            status?: "open" | "resolved";
            /** Format: date-time */
            updated_at?: string;
            /** Format: date-time */
            window_end?: string;
            /** Format: date-time */
            window_start?: string;
        };
        ApiKey: {
            /** Format: date-time */
            created_at?: string;
            created_by?: string | null;
            effective_permissions?: string[];
            /** Format: date-time */
            expires_at?: string | null;
            id?: string;
            /** @description Only in create and rotate responses */
            key?: string;
            /** Format: date-time */
            last_used_at?: string | null;
            name?: string;
            org_id?: string;
            permissions?: string[];
            prefix?: string;
            rate_limit_per_minute?: number | null;
            roles?: string[];
            /** Format: date-time */
            updated_at?: string;
        };
        Approval: {
            agent_id?: string;
            assignee_user_ids?: string[];
            comment?: string | null;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            decided_at?: string | null;
            decided_by?: string | null;
            delegation_history?: {
                /** Format: date-time */
                at?: string;
                by?: string;
                from_user_ids?: string[];
                to_user_ids?: string[];
            }[];
            /** Format: date-time */
            expires_at?: string | null;
            id?: string;
            /** @enum {unknown} */
            kind?: "approval" | "escalation";
            org_id?: string;
            policy_id?: string | null;
            reason?: string;
            /** @enum {unknown} */
            rule_type?: "token_limit" | "tool_restriction" | "approval_gate" | "content_filter" | "escalation" | null;
            run_id?: string;
            /** @enum {unknown} */
            status?: "pending" | "approved" | "rejected" | "expired" | "cancelled";
            step_index?: number;
            tool_input?: Record<string, unknown> | null;
            tool_name?: string | null;
            /** Format: date-time */
            updated_at?: string;
        };
        AuditEntry: {
            action?: string;
            actor_id?: string | null;
            actor_name?: string | null;
            /** @enum {unknown} */
            actor_type?: "user" | "api_key" | "system" | "public" | "anonymous";
            /** Format: date-time */
            created_at?: string;
            details?: Record<string, unknown>;
            hash?: string;
            id?: string;
            ip?: string | null;
            org_id?: string;
            /** @enum {unknown} */
            outcome?: "success" | "denied" | "failure";
            prev_hash?: string;
            request_id?: string | null;
            resource_id?: string | null;
            resource_type?: string;
            status_code?: number | null;
            /** Format: date-time */
            updated_at?: string;
            user_agent?: string | null;
        };
        Budget: {
            /** @enum {unknown} */
            action_on_exceed?: "block" | "throttle" | "alert_only";
            agent_id?: string | null;
            alert_threshold?: number;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            current_period_start?: string;
            enabled?: boolean;
            id?: string;
            limit_usd?: number;
            name?: string;
            org_id?: string;
            /** @enum {unknown} */
            period?: "daily" | "weekly" | "monthly";
            /** Format: date-time */
            resets_at?: string;
            /** @enum {unknown} */
            scope?: "agent" | "team" | "org";
            team?: string | null;
            throttle_concurrency?: number;
            throttle_model?: string | null;
            /** Format: date-time */
            updated_at?: string;
        };
        BudgetAlert: {
            acknowledged?: boolean;
            /** Format: date-time */
            acknowledged_at?: string | null;
            acknowledged_by?: string | null;
            agent_id?: string | null;
            budget_id?: string;
            budget_name?: string;
            /** Format: date-time */
            created_at?: string;
            id?: string;
            limit_usd?: number;
            message?: string;
            org_id?: string;
            percentage_used?: number;
            /** Format: date-time */
            period_start?: string;
            /** @enum {unknown} */
            type?: "threshold" | "exceeded";
            /** Format: date-time */
            updated_at?: string;
            used_usd?: number;
        };
        BudgetUsage: {
            budget_id?: string;
            budget_name?: string;
            limit_usd?: number;
            percentage_used?: number;
            /** @enum {unknown} */
            period?: "daily" | "weekly" | "monthly";
            remaining_usd?: number;
            reserved_usd?: number;
            /** Format: date-time */
            resets_at?: string;
            used_usd?: number;
        };
        Category: {
            /** @enum {unknown} */
            category?: "customer_support" | "sales" | "marketing" | "engineering" | "data" | "research" | "operations" | "productivity" | "other";
            template_count?: number;
        };
        ChatMessage: {
            content?: string;
            cost_usd?: number;
            /** Format: date-time */
            created_at?: string;
            error?: {
                code?: string;
                message?: string;
            } | null;
            id?: string;
            in_reply_to?: string | null;
            org_id?: string;
            /** @enum {unknown} */
            role?: "user" | "assistant";
            run_id?: string | null;
            session_id?: string;
            /** @enum {unknown} */
            status?: "pending" | "completed" | "failed" | "blocked";
            tokens_input?: number;
            tokens_output?: number;
            /** Format: date-time */
            updated_at?: string;
        };
        ChatSession: {
            agent_id?: string;
            /** Format: date-time */
            created_at?: string;
            customer_id?: string | null;
            end_user_id?: string | null;
            id?: string;
            /** Format: date-time */
            last_message_at?: string | null;
            message_count?: number;
            metadata?: Record<string, unknown>;
            org_id?: string;
            publication_id?: string | null;
            /** @enum {unknown} */
            status?: "active" | "closed";
            title?: string | null;
            /** Format: date-time */
            updated_at?: string;
        };
        Collection: {
            agent_ids?: string[];
            chunk_count?: number;
            chunk_overlap?: number;
            chunk_size?: number;
            /** Format: date-time */
            created_at?: string;
            description?: string;
            document_count?: number;
            embedding_model?: string;
            id?: string;
            name?: string;
            org_id?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        CostRecommendation: {
            agent_id?: string;
            /** Format: date-time */
            created_at?: string;
            current_model?: string;
            estimated_monthly_savings_usd?: number;
            id?: string;
            reason?: string;
            suggested_model?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        CostRule: {
            agent_id?: string | null;
            applied_count?: number;
            condition?: {
                agent_tags?: string[];
                max_input_tokens?: number;
                min_budget_percentage?: number;
                models?: string[];
            };
            /** Format: date-time */
            created_at?: string;
            description?: string;
            enabled?: boolean;
            fallback_model?: string | null;
            id?: string;
            name?: string;
            org_id?: string;
            priority?: number;
            savings_usd?: number;
            target_model?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        CostSavingsReport: {
            /** Format: date-time */
            end?: string;
            items?: {
                key?: string;
                label?: string;
                routed_calls?: number;
                savings_usd?: number;
            }[];
            routed_calls?: number;
            /** Format: date-time */
            start?: string;
            total_savings_usd?: number;
        };
        CostSummary: {
            /** Format: date-time */
            end?: string;
            items?: {
                cost_usd?: number;
                key?: string;
                label?: string;
                runs?: number;
                tokens_input?: number;
                tokens_output?: number;
            }[];
            /** Format: date-time */
            start?: string;
            total_cost_usd?: number;
        };
        Customer: {
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            current_period_end?: string;
            /** Format: date-time */
            current_period_start?: string;
            email?: string | null;
            external_id?: string;
            id?: string;
            metadata?: Record<string, unknown>;
            name?: string;
            org_id?: string;
            plan_id?: string;
            /** @enum {unknown} */
            status?: "active" | "suspended";
            /** Format: date-time */
            updated_at?: string;
        };
        Delivery: {
            attempts?: number;
            /** Format: date-time */
            created_at?: string;
            event_id?: string;
            event_type?: string;
            id?: string;
            last_error?: {
                code?: string;
                message?: string;
            } | null;
            last_status_code?: number | null;
            /** Format: date-time */
            next_attempt_at?: string | null;
            org_id?: string;
            run_id?: string | null;
            /** @enum {unknown} */
            status?: "pending" | "succeeded" | "failed";
            subscription_id?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        Document: {
            chunk_count?: number;
            collection_id?: string;
            /** @enum {unknown} */
            content_type?: "text/plain" | "text/markdown" | "text/html" | "text/csv" | "application/json" | "application/pdf";
            /** Format: date-time */
            created_at?: string;
            error?: {
                code?: string;
                message?: string;
            } | null;
            id?: string;
            metadata?: Record<string, unknown>;
            name?: string;
            org_id?: string;
            size_bytes?: number;
            /** @enum {unknown} */
            status?: "pending" | "processing" | "ready" | "failed";
            /** Format: date-time */
            updated_at?: string;
        };
        EmbedCodes: {
            chat_url?: string;
            iframe_tag?: string;
            script_tag?: string;
            widget_url?: string;
        };
        Error: {
            error: {
                /** @description Stable UPPER_SNAKE code */
                code: string;
                /** @description Array, object or null */
                details: unknown;
                message: string;
                request_id: string;
            };
        };
        Evaluation: {
            agent_id?: string;
            agent_version?: number;
            /** Format: date-time */
            created_at?: string;
            created_by?: string | null;
            dimensions?: {
                accuracy?: number;
                helpfulness?: number;
                relevance?: number;
                safety?: number;
            };
            /** @enum {unknown} */
            evaluator?: "heuristic" | "llm_judge" | "human";
            id?: string;
            judge_model?: string | null;
            org_id?: string;
            rationale?: string;
            run_id?: string;
            score?: number;
            /** Format: date-time */
            updated_at?: string;
        };
        Event: {
            agent_id?: string | null;
            /** Format: date-time */
            created_at?: string;
            depth?: number;
            event_type?: string;
            id?: string;
            matched_subscriptions?: number;
            org_id?: string;
            payload?: Record<string, unknown>;
            run_id?: string | null;
            /** @enum {unknown} */
            source?: "platform" | "custom";
            /** Format: date-time */
            updated_at?: string;
        };
        EventType: {
            description?: string;
            event_type?: string;
            module?: string;
            payload_fields?: string[];
        };
        Execution: {
            /** Format: date-time */
            completed_at?: string | null;
            cost_usd?: number;
            /** Format: date-time */
            created_at?: string;
            error?: {
                code?: string;
                message?: string;
                step_id?: string | null;
            } | null;
            id?: string;
            input?: string;
            org_id?: string;
            output?: {
                [key: string]: string | null;
            } | null;
            /** Format: date-time */
            started_at?: string | null;
            /** @enum {unknown} */
            status?: "queued" | "running" | "completed" | "failed" | "cancelled";
            step_states?: {
                /** Format: date-time */
                completed_at?: string | null;
                error?: {
                    code?: string;
                    message?: string;
                } | null;
                output?: string | null;
                run_id?: string | null;
                /** Format: date-time */
                started_at?: string | null;
                /** @enum {unknown} */
                status?: "pending" | "running" | "completed" | "failed" | "skipped" | "cancelled";
                step_id?: string;
            }[];
            tokens_input?: number;
            tokens_output?: number;
            /** @enum {unknown} */
            trigger?: "api";
            /** Format: date-time */
            updated_at?: string;
            workflow_id?: string;
            workflow_version?: number;
        };
        HistoryEntry: {
            ab_test_id?: string | null;
            actor_id?: string | null;
            agent_id?: string;
            /** Format: date-time */
            created_at?: string;
            /** @enum {unknown} */
            from_state?: "draft" | "testing" | "active" | "suspended" | "archived" | null;
            id?: string;
            /** @enum {unknown} */
            kind?: "transition" | "rollback" | "ab_test_started" | "ab_test_completed" | "ab_test_rolled_back";
            org_id?: string;
            reason?: string | null;
            /** @enum {unknown} */
            to_state?: "draft" | "testing" | "active" | "suspended" | "archived" | null;
            /** Format: date-time */
            updated_at?: string;
            version?: number | null;
        };
        Insight: {
            agent_id?: string | null;
            /** Format: date-time */
            created_at?: string;
            data?: Record<string, unknown>;
            description?: string;
            id?: string;
            org_id?: string;
            /** @enum {unknown} */
            severity?: "info" | "warning" | "critical";
            title?: string;
            /** @enum {unknown} */
            type?: "trend" | "usage" | "quality" | "reliability";
            /** Format: date-time */
            updated_at?: string;
        };
        Invocation: {
            agent_id?: string | null;
            /** Format: date-time */
            created_at?: string;
            error?: {
                code?: string;
                message?: string;
            } | null;
            id?: string;
            input?: unknown;
            latency_ms?: number;
            org_id?: string;
            output?: unknown;
            run_id?: string | null;
            /** @enum {unknown} */
            source?: "run" | "test";
            /** @enum {unknown} */
            status?: "success" | "error" | "denied" | "simulated" | "rate_limited" | "replayed";
            step_id?: string | null;
            tool_id?: string;
            tool_name?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        Invoice: {
            /** Format: date-time */
            created_at?: string;
            currency?: string;
            customer_id?: string;
            id?: string;
            /** Format: date-time */
            issued_at?: string | null;
            line_items?: {
                amount_usd?: number;
                description?: string;
                quantity?: number;
                unit_price_usd?: number;
            }[];
            number?: string;
            org_id?: string;
            /** Format: date-time */
            paid_at?: string | null;
            /** Format: date-time */
            period_end?: string;
            /** Format: date-time */
            period_start?: string;
            /** @enum {unknown} */
            status?: "draft" | "issued" | "paid";
            subtotal_usd?: number;
            total_usd?: number;
            /** Format: date-time */
            updated_at?: string;
        };
        KnowledgeSearchHit: {
            chunk_id?: string;
            collection_id?: string;
            content?: string;
            document_id?: string;
            document_name?: string;
            metadata?: Record<string, unknown>;
            score?: number;
        };
        KnowledgeSearchResult: {
            items?: components["schemas"]["KnowledgeSearchHit"][];
        };
        LifecycleState: {
            active_ab_test_id?: string | null;
            agent_id?: string;
            allowed_transitions?: ("draft" | "testing" | "active" | "suspended" | "archived")[];
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            last_transition_at?: string | null;
            /** @enum {unknown} */
            status?: "draft" | "testing" | "active" | "suspended" | "archived";
            /** Format: date-time */
            updated_at?: string;
            version?: number;
        };
        McpDiscoveryResult: {
            server?: components["schemas"]["McpServer"];
            tools_added?: string[];
            tools_removed?: string[];
            tools_total?: number;
        };
        McpServer: {
            auth_header?: string;
            /** @enum {unknown} */
            auth_type?: "none" | "bearer" | "api_key" | "basic" | "per_user_bearer";
            /** Format: date-time */
            created_at?: string;
            enabled?: boolean;
            has_auth_token?: boolean;
            id?: string;
            /** Format: date-time */
            last_discovered_at?: string | null;
            last_error?: string | null;
            name?: string;
            org_id?: string;
            refresh_interval_seconds?: number;
            /** @enum {unknown} */
            status?: "connected" | "error" | "disabled";
            tool_count?: number;
            /** @enum {unknown} */
            transport?: "streamable_http" | "sse";
            /** Format: date-time */
            updated_at?: string;
            url?: string;
        };
        Me: {
            api_key?: components["schemas"]["ApiKey"] | null;
            org: {
                id?: string;
                name?: string;
                slug?: string;
                /** @enum {unknown} */
                status?: "active" | "suspended";
            };
            permissions: string[];
            /** @enum {unknown} */
            principal_type: "user" | "api_key";
            roles: string[];
            user?: components["schemas"]["User"] | null;
        };
        MemoryEntry: {
            agent_id?: string | null;
            content?: string;
            /** Format: date-time */
            created_at?: string;
            /** @enum {unknown} */
            embedding_status?: "pending" | "ready" | "failed";
            end_user_id?: string | null;
            /** Format: date-time */
            expires_at?: string | null;
            id?: string;
            importance?: number;
            /** @enum {unknown} */
            memory_type?: "session" | "long_term" | "episodic" | "semantic";
            metadata?: Record<string, unknown>;
            org_id?: string;
            /** @enum {unknown} */
            scope?: "agent" | "user" | "org";
            session_id?: string | null;
            /** Format: date-time */
            updated_at?: string;
        };
        MemorySearchResult: {
            items?: components["schemas"]["ScoredMemoryEntry"][];
        };
        Model: {
            available?: boolean;
            context_window?: number;
            id?: string;
            input_price_per_1k_usd?: number;
            is_mock?: boolean;
            output_price_per_1k_usd?: number;
            /** @enum {unknown} */
            price_source?: "builtin" | "org_override" | "declared";
            provider?: string;
            provider_ids?: string[];
            supports_streaming?: boolean;
            supports_tools?: boolean;
            /** @enum {unknown} */
            type?: "chat" | "embedding";
        };
        Org: {
            agent_count?: number;
            /** Format: date-time */
            created_at?: string;
            id?: string;
            limits?: {
                max_agents?: number | null;
                max_concurrent_runs?: number;
                rate_limit_per_minute?: number | null;
            };
            name?: string;
            slug?: string;
            /** @enum {unknown} */
            status?: "active" | "suspended";
            /** Format: date-time */
            updated_at?: string;
            user_count?: number;
        };
        Permission: {
            action?: string;
            description?: string;
            module?: string;
            permission?: string;
        };
        Plan: {
            active?: boolean;
            base_fee_usd?: number;
            /** Format: date-time */
            created_at?: string;
            description?: string;
            hard_limit?: boolean;
            id?: string;
            included_runs?: number | null;
            included_tokens?: number | null;
            llm_cost_multiplier?: number;
            name?: string;
            org_id?: string;
            price_per_1k_tokens_usd?: number;
            price_per_run_usd?: number;
            /** Format: date-time */
            updated_at?: string;
        };
        Policy: {
            agent_id?: string | null;
            /** Format: date-time */
            created_at?: string;
            description?: string;
            enabled?: boolean;
            id?: string;
            name?: string;
            org_id?: string;
            rules?: {
                /** @enum {unknown} */
                action?: "block" | "redact";
                applies_to?: ("input" | "output")[];
                approval_timeout_seconds?: number;
                assignee_user_ids?: string[];
                block_patterns?: string[];
                blocked_tools?: string[];
                conditions?: {
                    /** @enum {unknown} */
                    on: "run_failed" | "cost_above" | "tokens_above" | "pattern" | "tool_called";
                    pattern?: string;
                    threshold?: number;
                    threshold_usd?: number;
                    tool?: string;
                }[];
                max_tokens_per_run?: number;
                /** @enum {unknown} */
                pattern_type?: "literal" | "regex";
                pause_run?: boolean;
                requires_approval_for?: string[];
                timeout_minutes?: number;
                /** @enum {unknown} */
                type: "token_limit" | "tool_restriction" | "approval_gate" | "content_filter" | "escalation";
            }[];
            /** Format: date-time */
            updated_at?: string;
        };
        PolicyEvaluation: {
            /** @enum {unknown} */
            action: "allow" | "block" | "redact" | "require_approval";
            allowed: boolean;
            redacted_text?: string;
            violations: {
                message?: string;
                policy_id?: string | null;
                policy_name?: string | null;
                /** @enum {unknown} */
                rule_type?: "token_limit" | "tool_restriction" | "approval_gate" | "content_filter" | "escalation" | null;
            }[];
        };
        Prompt: {
            /** Format: date-time */
            created_at?: string;
            description?: string;
            id?: string;
            name?: string;
            org_id?: string;
            tags?: string[];
            template?: string;
            /** Format: date-time */
            updated_at?: string;
            variables?: {
                default?: unknown;
                description?: string;
                name?: string;
                required?: boolean;
            }[];
            version?: number;
        };
        PromptRender: {
            prompt_id?: string;
            rendered?: string;
            version?: number;
        };
        PromptTestResult: {
            cost_usd?: number;
            latency_ms?: number;
            model?: string;
            output?: string;
            rendered?: string;
            tokens_input?: number;
            tokens_output?: number;
        };
        PromptVersion: {
            /** Format: date-time */
            created_at?: string;
            created_by?: string | null;
            id?: string;
            prompt_id?: string;
            template?: string;
            /** Format: date-time */
            updated_at?: string;
            variables?: {
                default?: unknown;
                description?: string;
                name?: string;
                required?: boolean;
            }[];
            version?: number;
        };
        ProviderConfig: {
            api_version?: string | null;
            base_url?: string | null;
            /** Format: date-time */
            created_at?: string;
            enabled?: boolean;
            has_api_key?: boolean;
            headers?: {
                [key: string]: string;
            };
            id?: string;
            is_default?: boolean;
            /** Format: date-time */
            last_checked_at?: string | null;
            last_error?: string | null;
            models?: string[];
            name?: string;
            org_id?: string;
            /** @enum {unknown} */
            provider?: "openai" | "anthropic" | "google" | "azure_openai" | "groq" | "together" | "ollama" | "vllm" | "openai_compatible";
            /** @enum {unknown} */
            status?: "unknown" | "ok" | "error";
            /** Format: date-time */
            updated_at?: string;
        };
        ProviderTestResult: {
            error?: null | {
                code?: string;
                message?: string;
            };
            latency_ms?: number;
            model?: string | null;
            ok?: boolean;
        };
        Publication: {
            agent_id?: string;
            allowed_origins?: string[];
            /** Format: date-time */
            created_at?: string;
            customer_id?: string | null;
            description?: string;
            enabled?: boolean;
            id?: string;
            mcp_enabled?: boolean;
            name?: string;
            org_id?: string;
            public_key?: string;
            public_url?: string;
            rate_limit?: {
                max_requests?: number;
                /** @enum {unknown} */
                period?: "minute" | "hour";
            };
            slug?: string;
            /** Format: date-time */
            updated_at?: string;
            widget?: {
                greeting?: string;
                /** @enum {unknown} */
                position?: "bottom-right" | "bottom-left";
                primary_color?: string;
                /** @enum {unknown} */
                theme?: "light" | "dark";
                title?: string;
            };
        };
        PublicPublication: {
            description?: string;
            mcp_enabled?: boolean;
            name?: string;
            slug?: string;
            widget?: {
                greeting?: string;
                /** @enum {unknown} */
                position?: "bottom-right" | "bottom-left";
                primary_color?: string;
                /** @enum {unknown} */
                theme?: "light" | "dark";
                title?: string;
            };
        };
        QualityScore: {
            agent_id?: string;
            agent_name?: string | null;
            avg_score?: number | null;
            dimensions?: {
                accuracy?: number;
                helpfulness?: number;
                relevance?: number;
                safety?: number;
            } | null;
            evaluated_runs?: number;
            /** Format: date-time */
            period_end?: string;
            /** Format: date-time */
            period_start?: string;
        };
        Recommendation: {
            agent_id?: string;
            /** @enum {unknown} */
            category?: "cost" | "quality" | "reliability" | "safety" | "performance";
            /** Format: date-time */
            created_at?: string;
            description?: string;
            id?: string;
            org_id?: string;
            suggested_change?: Record<string, unknown>;
            title?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        Review: {
            author_name?: string;
            comment?: string;
            /** Format: date-time */
            created_at?: string;
            id?: string;
            org_id?: string;
            rating?: number;
            template_id?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        Role: {
            builtin?: boolean;
            /** Format: date-time */
            created_at?: string;
            description?: string;
            id?: string;
            name?: string;
            org_id?: string | null;
            permissions?: string[];
            /** Format: date-time */
            updated_at?: string;
        };
        Run: {
            ab_test_id?: string | null;
            /** @enum {unknown} */
            ab_variant?: "a" | "b" | null;
            agent_id?: string;
            agent_version?: number;
            /** Format: date-time */
            completed_at?: string | null;
            cost_usd?: number;
            /** Format: date-time */
            created_at?: string;
            created_by?: string | null;
            customer_id?: string | null;
            end_user_id?: string | null;
            error?: {
                code?: string;
                message?: string;
            } | null;
            id?: string;
            input?: string;
            latency_ms?: number;
            max_cost_usd?: number | null;
            metadata?: Record<string, unknown>;
            /** @enum {unknown} */
            mode?: "production" | "test";
            model?: string;
            org_id?: string;
            output?: string | null;
            parent_run_id?: string | null;
            replay_of?: string | null;
            savings_usd?: number;
            session_id?: string | null;
            /** Format: date-time */
            started_at?: string | null;
            /** @enum {unknown} */
            status?: "queued" | "running" | "awaiting_approval" | "completed" | "failed" | "cancelled" | "blocked";
            tokens_input?: number;
            tokens_output?: number;
            /** @enum {unknown} */
            trigger?: "api" | "schedule" | "event" | "chat" | "workflow" | "coordination" | "public";
            trigger_ref?: string | null;
            /** Format: date-time */
            updated_at?: string;
        };
        ScalingEvent: {
            agent_id?: string;
            /** Format: date-time */
            created_at?: string;
            /** @enum {unknown} */
            direction?: "up" | "down";
            from_replicas?: number;
            id?: string;
            /** @enum {unknown} */
            metric?: "queue_depth" | "cpu_usage" | "memory_usage" | "latency_p99" | null;
            metric_value?: number | null;
            org_id?: string;
            reason?: string;
            rule_id?: string | null;
            to_replicas?: number;
            /** Format: date-time */
            updated_at?: string;
        };
        ScalingMetrics: Record<string, unknown>;
        ScalingRule: {
            agent_id?: string | null;
            cooldown_seconds?: number;
            /** Format: date-time */
            created_at?: string;
            description?: string;
            enabled?: boolean;
            id?: string;
            /** Format: date-time */
            last_scaled_at?: string | null;
            max_instances?: number;
            /** @enum {unknown} */
            metric?: "queue_depth" | "cpu_usage" | "memory_usage" | "latency_p99";
            min_instances?: number;
            name?: string;
            org_id?: string;
            scale_down_step?: number;
            scale_down_threshold?: number;
            scale_up_step?: number;
            target_value?: number;
            /** Format: date-time */
            updated_at?: string;
        };
        Schedule: {
            agent_id?: string;
            /** Format: date-time */
            created_at?: string;
            cron_expression?: string | null;
            description?: string;
            enabled?: boolean;
            id?: string;
            input?: string;
            interval_seconds?: number | null;
            /** Format: date-time */
            last_run_at?: string | null;
            last_run_id?: string | null;
            /** @enum {string|null} */
            last_status?: "queued" | "running" | "awaiting_approval" | "completed" | "failed" | "cancelled" | "blocked" | "skipped" | null;
            name?: string;
            /** Format: date-time */
            next_run_at?: string | null;
            org_id?: string;
            run_count?: number;
            timezone?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        SchedulePreview: {
            next_run_times?: string[];
        };
        ScoredMemoryEntry: {
            agent_id?: string | null;
            content?: string;
            /** Format: date-time */
            created_at?: string;
            /** @enum {unknown} */
            embedding_status?: "pending" | "ready" | "failed";
            end_user_id?: string | null;
            /** Format: date-time */
            expires_at?: string | null;
            id?: string;
            importance?: number;
            /** @enum {unknown} */
            memory_type?: "session" | "long_term" | "episodic" | "semantic";
            metadata?: Record<string, unknown>;
            org_id?: string;
            /** @enum {unknown} */
            scope?: "agent" | "user" | "org";
            score?: number;
            session_id?: string | null;
            /** Format: date-time */
            updated_at?: string;
        };
        Secret: {
            agent_id?: string | null;
            /** Format: date-time */
            created_at?: string;
            description?: string;
            has_value?: boolean;
            id?: string;
            /** Format: date-time */
            last_rotated_at?: string | null;
            name?: string;
            /** Format: date-time */
            next_rotation_at?: string | null;
            org_id?: string;
            rotation_days?: number | null;
            rotation_due?: boolean;
            /** @enum {unknown} */
            scope?: "global" | "agent";
            /** @enum {unknown} */
            type?: "api_key" | "token" | "password" | "env_var";
            /** Format: date-time */
            updated_at?: string;
            version?: number;
        };
        Settings: {
            allow_private_network?: boolean;
            audit_retention_days?: number;
            cors_allowed_origins?: string[];
            default_agent_replicas?: number;
            default_rate_limit_per_minute?: number;
            embedding_model?: string;
            event_retention_days?: number;
            maintenance_message?: string | null;
            maintenance_mode?: boolean;
            max_body_bytes?: number;
            mock_provider_enabled?: boolean;
            open_registration?: boolean;
            outbound_allowed_hosts?: string[];
            run_retention_days?: number;
            /** Format: date-time */
            updated_at?: string;
        };
        Step: {
            approval_id?: string | null;
            /** Format: date-time */
            completed_at?: string | null;
            cost_usd?: number;
            /** Format: date-time */
            created_at?: string;
            error?: {
                code?: string;
                message?: string;
            } | null;
            id?: string;
            index?: number;
            input?: Record<string, unknown>;
            latency_ms?: number;
            model?: string | null;
            name?: string;
            output?: Record<string, unknown> | null;
            run_id?: string;
            /** Format: date-time */
            started_at?: string;
            /** @enum {unknown} */
            status?: "running" | "awaiting" | "completed" | "failed" | "denied" | "simulated";
            tokens_input?: number;
            tokens_output?: number;
            tool_id?: string | null;
            /** @enum {unknown} */
            type?: "llm_call" | "tool_call" | "policy_check" | "approval" | "memory" | "message" | "retrieval";
            /** Format: date-time */
            updated_at?: string;
        };
        StepState: {
            /** Format: date-time */
            completed_at?: string | null;
            error?: {
                code?: string;
                message?: string;
            } | null;
            output?: string | null;
            run_id?: string | null;
            /** Format: date-time */
            started_at?: string | null;
            /** @enum {unknown} */
            status?: "pending" | "running" | "completed" | "failed" | "skipped" | "cancelled";
            step_id?: string;
        };
        Subscription: {
            agent_id?: string | null;
            consecutive_failures?: number;
            /** Format: date-time */
            created_at?: string;
            enabled?: boolean;
            event_type?: string;
            has_secret?: boolean;
            id?: string;
            input_template?: string | null;
            /** Format: date-time */
            last_delivery_at?: string | null;
            /** @enum {unknown} */
            last_delivery_status?: "succeeded" | "failed" | null;
            name?: string | null;
            org_id?: string;
            /** @description Only in the 201 body, and only when the server generated it */
            secret?: string;
            /** @enum {unknown} */
            target_type?: "agent" | "webhook";
            /** Format: date-time */
            updated_at?: string;
            /** Format: uri */
            url?: string | null;
        };
        Template: {
            author_name?: string | null;
            author_org_id?: string | null;
            /** @enum {unknown} */
            category?: "customer_support" | "sales" | "marketing" | "engineering" | "data" | "research" | "operations" | "productivity" | "other";
            config?: Record<string, unknown>;
            /** Format: date-time */
            created_at?: string;
            description?: string;
            id?: string;
            installs?: number;
            name?: string;
            rating?: number | null;
            rating_count?: number;
            /** @enum {unknown} */
            source?: "builtin" | "org";
            tags?: string[];
            tools?: Record<string, unknown>[];
            /** Format: date-time */
            updated_at?: string;
            version?: number;
            /** @enum {unknown} */
            visibility?: "org" | "public";
        };
        TokenPair: {
            access_token?: string;
            expires_in?: number;
            refresh_expires_in?: number;
            refresh_token?: string;
            /** @constant */
            token_type?: "Bearer";
            user?: components["schemas"]["User"];
        };
        Tool: {
            available?: boolean;
            /** @enum {unknown} */
            circuit_state?: "closed" | "open" | "half_open";
            config?: Record<string, unknown>;
            /** Format: date-time */
            created_at?: string;
            description?: string;
            /** Format: uri */
            endpoint?: string | null;
            headers?: {
                [key: string]: string;
            };
            id?: string;
            input_schema?: Record<string, unknown>;
            /** @enum {unknown} */
            method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
            name?: string;
            org_id?: string;
            rate_limit?: {
                max_calls?: number;
                /** @enum {unknown} */
                period?: "minute" | "hour";
            } | null;
            /** @enum {unknown} */
            safety_level?: "safe" | "moderate" | "dangerous";
            timeout_seconds?: number;
            /** @enum {unknown} */
            type?: "rest_api" | "function" | "database" | "search" | "mcp";
            /** Format: date-time */
            updated_at?: string;
        };
        ToolTestResult: {
            error?: {
                code?: string;
                message?: string;
            } | null;
            invocation_id?: string;
            latency_ms?: number;
            output?: unknown;
            /** @enum {unknown} */
            status?: "success" | "error" | "denied" | "simulated" | "rate_limited" | "replayed";
        };
        TrustCheck: {
            allowed?: boolean;
            policy_id?: string | null;
            reason?: string;
            /** @enum {unknown} */
            trust_level?: "none" | "low" | "medium" | "high" | "full" | null;
        };
        TrustPolicy: {
            allowed_actions?: ("message" | "delegate" | "share_memory")[];
            /** Format: date-time */
            created_at?: string;
            description?: string;
            enabled?: boolean;
            /** Format: date-time */
            expires_at?: string | null;
            id?: string;
            org_id?: string;
            source_agent_id?: string;
            target_agent_id?: string;
            /** @enum {unknown} */
            trust_level?: "none" | "low" | "medium" | "high" | "full";
            /** Format: date-time */
            updated_at?: string;
        };
        Usage: {
            amount_due_usd?: number;
            customer_id?: string;
            hard_limit_reached?: boolean;
            included_runs?: number | null;
            included_tokens?: number | null;
            llm_cost_usd?: number;
            overage_runs?: number;
            overage_tokens?: number;
            /** Format: date-time */
            period_end?: string;
            /** Format: date-time */
            period_start?: string;
            runs?: number;
            tokens_input?: number;
            tokens_output?: number;
        };
        UsageReport: {
            items?: {
                amount_due_usd?: number;
                customer_id?: string;
                hard_limit_reached?: boolean;
                included_runs?: number | null;
                included_tokens?: number | null;
                llm_cost_usd?: number;
                overage_runs?: number;
                overage_tokens?: number;
                /** Format: date-time */
                period_end?: string;
                /** Format: date-time */
                period_start?: string;
                runs?: number;
                tokens_input?: number;
                tokens_output?: number;
            }[];
            /** Format: date-time */
            period_end?: string;
            /** Format: date-time */
            period_start?: string;
            totals?: {
                amount_due_usd?: number;
                llm_cost_usd?: number;
                runs?: number;
                tokens_input?: number;
                tokens_output?: number;
            };
        };
        User: {
            /** Format: date-time */
            created_at?: string;
            /** Format: email */
            email?: string;
            has_password?: boolean;
            id?: string;
            /** Format: date-time */
            last_login_at?: string | null;
            name?: string;
            org_id?: string;
            roles?: string[];
            /** @enum {unknown} */
            status?: "active" | "disabled";
            /** Format: date-time */
            updated_at?: string;
        };
        UserCredential: {
            /** Format: date-time */
            created_at?: string;
            end_user_id?: string;
            /** Format: date-time */
            expires_at?: string | null;
            has_token?: boolean;
            id?: string;
            org_id?: string;
            server_id?: string;
            /** Format: date-time */
            updated_at?: string;
        };
        Violation: {
            /** @enum {unknown} */
            action_taken?: "blocked" | "redacted" | "denied" | "approval_required" | "escalated";
            agent_id?: string;
            /** Format: date-time */
            created_at?: string;
            detail?: string;
            id?: string;
            org_id?: string;
            policy_id?: string;
            policy_name?: string;
            /** @enum {unknown} */
            rule_type?: "token_limit" | "tool_restriction" | "approval_gate" | "content_filter" | "escalation";
            run_id?: string | null;
            step_index?: number | null;
            /** Format: date-time */
            updated_at?: string;
        };
        Worker: {
            agent_replicas?: number;
            cpu_usage?: number;
            hostname?: string;
            memory_usage?: number;
            node_id?: string;
            services?: string[];
            /** @enum {unknown} */
            status?: "available" | "unavailable";
            uptime_seconds?: number;
        };
        Workflow: {
            /** Format: date-time */
            created_at?: string;
            description?: string;
            id?: string;
            name?: string;
            org_id?: string;
            steps?: {
                agent_id: string;
                depends_on?: string[];
                id: string;
                /** @default {{input}} */
                input_template: string;
                /**
                 * @default fail
                 * @enum {unknown}
                 */
                on_failure: "fail" | "continue";
                timeout_seconds?: number | null;
            }[];
            /** Format: date-time */
            updated_at?: string;
            version?: number;
        };
        WorkflowStep: {
            agent_id: string;
            depends_on?: string[];
            id: string;
            /** @default {{input}} */
            input_template: string;
            /**
             * @default fail
             * @enum {unknown}
             */
            on_failure: "fail" | "continue";
            timeout_seconds?: number | null;
        };
        WorkflowValidation: {
            errors?: {
                field?: string;
                message?: string;
            }[];
            levels?: string[][];
            valid?: boolean;
        };
    };
    responses: {
        /** @description Invalid input */
        Error400: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Missing, invalid or expired credential */
        Error401: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Permission missing, or organization suspended */
        Error403: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Not found */
        Error404: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Conflict: uniqueness or state */
        Error409: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Body too large */
        Error413: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Body is not JSON */
        Error415: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Rate limit exceeded */
        Error429: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unexpected failure */
        Error500: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    "admin.health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Dependency health */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.maintenance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    enabled: boolean;
                    message?: string | null;
                };
            };
        };
        responses: {
            /** @description Turn maintenance mode on or off */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.listOrgs": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                search?: string;
                status?: "active" | "suspended";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List organizations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Org"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.createOrgWithOwner": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    limits?: {
                        max_agents?: number | null;
                        max_concurrent_runs?: number;
                        rate_limit_per_minute?: number | null;
                    };
                    name: string;
                    /** Format: email */
                    owner_email: string;
                    owner_name: string;
                    owner_password: string;
                    slug?: string;
                };
            };
        };
        responses: {
            /** @description Create an organization with its owner */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Org"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.getOrgAdmin": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get an organization */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Org"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.updateOrg": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    limits?: {
                        max_agents?: number | null;
                        max_concurrent_runs?: number;
                        rate_limit_per_minute?: number | null;
                    };
                    name?: string;
                    /** @enum {unknown} */
                    status?: "active" | "suspended";
                };
            };
        };
        responses: {
            /** @description Change an organization's name, status or limits */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Org"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.deleteOrg": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.getSettings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Instance settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.updateSettings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    allow_private_network?: boolean;
                    audit_retention_days?: number;
                    cors_allowed_origins?: string[];
                    default_agent_replicas?: number;
                    default_rate_limit_per_minute?: number;
                    embedding_model?: string;
                    event_retention_days?: number;
                    max_body_bytes?: number;
                    mock_provider_enabled?: boolean;
                    open_registration?: boolean;
                    outbound_allowed_hosts?: string[];
                    run_retention_days?: number;
                };
            };
        };
        responses: {
            /** @description Change instance settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Instance statistics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "admin.workers": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Nodes of the cluster */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Worker"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "agents.listAgents": {
        parameters: {
            query?: {
                created_after?: string;
                created_before?: string;
                limit?: number;
                model?: string;
                offset?: number;
                order?: "asc" | "desc";
                search?: string;
                status?: "draft" | "testing" | "active" | "suspended" | "archived";
                tag?: string;
                team?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List agents */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Agent"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "agents.createAgent": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    description?: string;
                    knowledge_collection_ids?: string[];
                    max_cost_usd_per_run?: number | null;
                    max_steps?: number;
                    max_tokens?: number;
                    memory_enabled?: boolean;
                    metadata?: Record<string, unknown>;
                    model: string;
                    name: string;
                    prompt_id?: string | null;
                    prompt_variables?: Record<string, unknown>;
                    prompt_version?: number | null;
                    system_prompt?: string;
                    tags?: string[];
                    team?: string | null;
                    temperature?: number;
                    timeout_seconds?: number;
                    tools?: string[];
                };
            };
        };
        responses: {
            /** @description Create an agent (version 1, status draft) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "agents.getAgent": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get an agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "agents.updateAgent": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    description?: string;
                    knowledge_collection_ids?: string[];
                    max_cost_usd_per_run?: number | null;
                    max_steps?: number;
                    max_tokens?: number;
                    memory_enabled?: boolean;
                    metadata?: Record<string, unknown>;
                    model?: string;
                    name?: string;
                    prompt_id?: string | null;
                    prompt_variables?: Record<string, unknown>;
                    prompt_version?: number | null;
                    system_prompt?: string;
                    tags?: string[];
                    team?: string | null;
                    temperature?: number;
                    timeout_seconds?: number;
                    tools?: string[];
                };
            };
        };
        responses: {
            /** @description Change an agent; a changed configuration becomes a new version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "agents.deleteAgent": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "agents.agentCosts": {
        parameters: {
            query?: {
                end?: string;
                granularity?: "day" | "month";
                start?: string;
            };
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Spend of an agent per day or month */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentCosts"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "agents.agentRuns": {
        parameters: {
            query?: {
                created_after?: string;
                created_before?: string;
                customer_id?: string;
                end_user_id?: string;
                limit?: number;
                mode?: "production" | "test";
                offset?: number;
                order?: "asc" | "desc";
                parent_run_id?: string;
                session_id?: string;
                status?: "queued" | "running" | "awaiting_approval" | "completed" | "failed" | "cancelled" | "blocked";
                trigger?: "api" | "schedule" | "event" | "chat" | "workflow" | "coordination" | "public";
            };
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Runs of an agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Run"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "agents.attachTools": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    tool_ids: string[];
                };
            };
        };
        responses: {
            /** @description Attach tools to an agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "agents.detachTool": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
                tool_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "analytics.agentAnalytics": {
        parameters: {
            query?: {
                end?: string;
                mode?: "production" | "test";
                start?: string;
            };
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Figures of one agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentAnalytics"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "analytics.dashboard": {
        parameters: {
            query?: {
                agent_id?: string;
                end?: string;
                mode?: "production" | "test";
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Dashboard figures of the org over a window */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsDashboard"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "analytics.models": {
        parameters: {
            query?: {
                agent_id?: string;
                end?: string;
                mode?: "production" | "test";
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Model calls by model */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsModels"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "analytics.timeseries": {
        parameters: {
            query?: {
                agent_id?: string;
                end?: string;
                interval?: "hour" | "day";
                metric?: "runs" | "completed_runs" | "failed_runs" | "cost" | "tokens" | "latency_avg" | "latency_p95" | "error_rate";
                mode?: "production" | "test";
                model?: string;
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One metric per hour or day bucket */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsTimeseries"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "analytics.tools": {
        parameters: {
            query?: {
                agent_id?: string;
                end?: string;
                mode?: "production" | "test";
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Tool calls by tool */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsTools"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "analytics.topAgents": {
        parameters: {
            query?: {
                agent_id?: string;
                by?: "runs" | "cost" | "tokens" | "errors" | "latency";
                end?: string;
                limit?: number;
                mode?: "production" | "test";
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Agents ranked by runs, cost, tokens, errors or latency */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsTopAgents"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "audit.list": {
        parameters: {
            query?: {
                action?: string;
                actor_id?: string;
                actor_type?: "user" | "api_key" | "system" | "public" | "anonymous";
                end?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                outcome?: "success" | "failure" | "denied";
                resource_id?: string;
                resource_type?: string;
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Query the audit log */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AuditEntry"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "audit.get": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                log_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get one audit entry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEntry"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "audit.export": {
        parameters: {
            query?: {
                action?: string;
                actor_id?: string;
                actor_type?: "user" | "api_key" | "system" | "public" | "anonymous";
                end?: string;
                format?: "json" | "csv";
                outcome?: "success" | "failure" | "denied";
                resource_id?: string;
                resource_type?: string;
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Export the audit log as a JSON or CSV attachment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown[];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "audit.verify": {
        parameters: {
            query?: {
                end?: string;
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Recompute the hash chain and report the first broken entry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "auth.changePassword": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    current_password: string;
                    new_password: string;
                };
            };
        };
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "auth.login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Sign in with e-mail and password */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            400: components["responses"]["Error400"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "auth.logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    refresh_token?: string;
                };
            };
        };
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "auth.me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who am I: principal, org, roles and permissions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "auth.refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    refresh_token: string;
                };
            };
        };
        responses: {
            /** @description Exchange a refresh token for a new token pair */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            400: components["responses"]["Error400"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "auth.register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    name: string;
                    org_name: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Create an organization and its first owner */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            400: components["responses"]["Error400"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.listCustomers": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                plan_id?: string;
                search?: string;
                status?: "active" | "suspended";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List billing customers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Customer"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.createCustomer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** Format: email */
                    email?: string | null;
                    external_id: string;
                    metadata?: Record<string, unknown>;
                    name: string;
                    plan_id: string;
                    /** @enum {unknown} */
                    status?: "active" | "suspended";
                };
            };
        };
        responses: {
            /** @description Create a billing customer on a plan */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customer"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.getCustomer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a billing customer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customer"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.updateCustomer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** Format: email */
                    email?: string | null;
                    external_id?: unknown;
                    metadata?: Record<string, unknown>;
                    name?: string;
                    plan_id?: string;
                    /** @enum {unknown} */
                    status?: "active" | "suspended";
                };
            };
        };
        responses: {
            /** @description Change a billing customer (external_id is immutable) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customer"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.deleteCustomer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.customerUsage": {
        parameters: {
            query?: {
                period?: string;
            };
            header?: never;
            path: {
                customer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A customer's usage and amount due in a month */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Usage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.listInvoices": {
        parameters: {
            query?: {
                customer_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                period?: string;
                status?: "draft" | "issued" | "paid";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List invoices (draft amounts computed live) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Invoice"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.getInvoice": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                invoice_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get an invoice (draft amounts computed live) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invoice"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.markPaid": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                invoice_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    paid_at?: string;
                };
            };
        };
        responses: {
            /** @description Record the payment of an issued invoice */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invoice"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.listPlans": {
        parameters: {
            query?: {
                active?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List billing plans */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Plan"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.createPlan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    active?: boolean;
                    base_fee_usd?: number;
                    description?: string;
                    hard_limit?: boolean;
                    included_runs?: number | null;
                    included_tokens?: number | null;
                    llm_cost_multiplier?: number;
                    name: string;
                    price_per_1k_tokens_usd?: number;
                    price_per_run_usd?: number;
                };
            };
        };
        responses: {
            /** @description Create a billing plan */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.getPlan": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                plan_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a billing plan */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.updatePlan": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                plan_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    active?: boolean;
                    base_fee_usd?: number;
                    description?: string;
                    hard_limit?: boolean;
                    included_runs?: number | null;
                    included_tokens?: number | null;
                    llm_cost_multiplier?: number;
                    name?: string;
                    price_per_1k_tokens_usd?: number;
                    price_per_run_usd?: number;
                };
            };
        };
        responses: {
            /** @description Change a billing plan (draft invoices use it from now on) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.deletePlan": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                plan_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "billing.usage": {
        parameters: {
            query?: {
                period?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Usage of every customer in a month */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageReport"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "budgets.listBudgets": {
        parameters: {
            query?: {
                agent_id?: string;
                enabled?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                period?: "daily" | "weekly" | "monthly";
                scope?: "agent" | "team" | "org";
                team?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List budgets */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Budget"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "budgets.createBudget": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @enum {unknown} */
                    action_on_exceed?: "block" | "throttle" | "alert_only";
                    agent_id?: string | null;
                    alert_threshold?: number;
                    enabled?: boolean;
                    limit_usd: number;
                    name: string;
                    /** @enum {unknown} */
                    period: "daily" | "weekly" | "monthly";
                    /** @enum {unknown} */
                    scope?: "agent" | "team" | "org";
                    team?: string | null;
                    throttle_concurrency?: number;
                    throttle_model?: string | null;
                };
            };
        };
        responses: {
            /** @description Create a budget */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Budget"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "budgets.getBudget": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                budget_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a budget */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Budget"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "budgets.updateBudget": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                budget_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @enum {unknown} */
                    action_on_exceed?: "block" | "throttle" | "alert_only";
                    agent_id?: string | null;
                    alert_threshold?: number;
                    enabled?: boolean;
                    limit_usd?: number;
                    name?: string;
                    /** @enum {unknown} */
                    period?: "daily" | "weekly" | "monthly";
                    /** @enum {unknown} */
                    scope?: "agent" | "team" | "org";
                    team?: string | null;
                    throttle_concurrency?: number;
                    throttle_model?: string | null;
                };
            };
        };
        responses: {
            /** @description Change a budget (applies immediately) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Budget"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "budgets.deleteBudget": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                budget_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "budgets.getUsage": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                budget_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Usage of one budget in its current period */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BudgetUsage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "budgets.listAlerts": {
        parameters: {
            query?: {
                acknowledged?: boolean;
                budget_id?: string;
                include_past_periods?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                type?: "threshold" | "exceeded";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Budget alerts (default: unacknowledged, current periods) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["BudgetAlert"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "budgets.acknowledgeAlert": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                alert_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            /** @description Acknowledge a budget alert */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BudgetAlert"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "budgets.listUsage": {
        parameters: {
            query?: {
                agent_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                scope?: "agent" | "team" | "org";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Usage of the org's budgets in their current periods */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["BudgetUsage"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "chat.listSessions": {
        parameters: {
            query?: {
                agent_id?: string;
                end_user_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                publication_id?: string;
                status?: "active" | "closed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List chat sessions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ChatSession"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "chat.createSession": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id: string;
                    customer_id?: string | null;
                    end_user_id?: string | null;
                    metadata?: Record<string, unknown>;
                    title?: string | null;
                };
            };
        };
        responses: {
            /** @description Open a chat session with an agent */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatSession"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "chat.getSession": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a chat session */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatSession"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "chat.updateSession": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: unknown;
                    customer_id?: unknown;
                    end_user_id?: unknown;
                    metadata?: Record<string, unknown>;
                    /** @enum {unknown} */
                    status?: "active" | "closed";
                    title?: string | null;
                };
            };
        };
        responses: {
            /** @description Rename, annotate or close a chat session */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatSession"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "chat.deleteSession": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "chat.listMessages": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                role?: "user" | "assistant";
                status?: "pending" | "completed" | "failed" | "blocked";
            };
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Messages of a chat session */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ChatMessage"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "chat.sendMessage": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    content: string;
                    stream?: boolean;
                };
            };
        };
        responses: {
            /** @description Send a message; answers the reply (or streams it with stream: true) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatMessage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "chat.streamMessage": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    content: string;
                };
            };
        };
        responses: {
            /** @description Send a message and stream the reply (SSE) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.delegate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    from_agent_id: string;
                    task: string;
                    timeout_seconds?: number;
                    to_agent_id: string;
                    wait?: boolean;
                };
            };
        };
        responses: {
            /** @description Delegate a task to another agent: a run on the target */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.listMessages": {
        parameters: {
            query?: {
                agent_id?: string;
                direction?: "inbound" | "outbound";
                in_reply_to?: string;
                limit?: number;
                message_type?: "request" | "response" | "notify" | "delegate";
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List agent messages */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AgentMessage"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.sendMessage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    content: string;
                    from_agent_id: string;
                    in_reply_to?: string | null;
                    /** @enum {unknown} */
                    message_type?: "request" | "response" | "notify" | "delegate";
                    metadata?: Record<string, unknown>;
                    to_agent_id: string;
                };
            };
        };
        responses: {
            /** @description Send a message from one agent to another (request and delegate start a run on the target) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentMessage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.getMessage": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                message_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get an agent message */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentMessage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.listPolicies": {
        parameters: {
            query?: {
                enabled?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                source_agent_id?: string;
                target_agent_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List trust policies */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["TrustPolicy"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.createPolicy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    allowed_actions?: ("message" | "delegate" | "share_memory")[];
                    description?: string;
                    enabled?: boolean;
                    /** Format: date-time */
                    expires_at?: string | null;
                    source_agent_id: string;
                    target_agent_id: string;
                    /** @enum {unknown} */
                    trust_level: "none" | "low" | "medium" | "high" | "full";
                };
            };
        };
        responses: {
            /** @description Create a trust policy source → target */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustPolicy"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.getPolicy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                policy_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a trust policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustPolicy"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.updatePolicy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                policy_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    allowed_actions?: ("message" | "delegate" | "share_memory")[];
                    description?: string;
                    enabled?: boolean;
                    /** Format: date-time */
                    expires_at?: string | null;
                    source_agent_id?: unknown;
                    target_agent_id?: unknown;
                    /** @enum {unknown} */
                    trust_level?: "none" | "low" | "medium" | "high" | "full";
                };
            };
        };
        responses: {
            /** @description Change a trust policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustPolicy"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.deletePolicy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                policy_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "coordination.checkPolicy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @enum {unknown} */
                    action: "message" | "delegate" | "share_memory";
                    source_agent_id: string;
                    target_agent_id: string;
                };
            };
        };
        responses: {
            /** @description Would this agent-to-agent action be allowed? (sends nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustCheck"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "cost.recommendations": {
        parameters: {
            query?: {
                agent_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cheaper models for agents with small inputs (recomputed daily) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["CostRecommendation"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "cost.listRules": {
        parameters: {
            query?: {
                agent_id?: string;
                enabled?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List cost rules (by priority unless `order` is given) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["CostRule"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "cost.createRule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    condition: {
                        agent_tags?: string[];
                        max_input_tokens?: number;
                        min_budget_percentage?: number;
                        models?: string[];
                    };
                    description?: string;
                    enabled?: boolean;
                    fallback_model?: string | null;
                    name: string;
                    priority?: number;
                    target_model: string;
                };
            };
        };
        responses: {
            /** @description Create a cost rule */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CostRule"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "cost.getRule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                rule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a cost rule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CostRule"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "cost.updateRule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                rule_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    condition?: {
                        agent_tags?: string[];
                        max_input_tokens?: number;
                        min_budget_percentage?: number;
                        models?: string[];
                    };
                    description?: string;
                    enabled?: boolean;
                    fallback_model?: string | null;
                    name?: string;
                    priority?: number;
                    target_model?: string;
                };
            };
        };
        responses: {
            /** @description Change a cost rule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CostRule"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "cost.deleteRule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                rule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "cost.savings": {
        parameters: {
            query?: {
                agent_id?: string;
                end?: string;
                group_by?: "rule" | "agent" | "day";
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Savings of cost rules over a window */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CostSavingsReport"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "cost.summary": {
        parameters: {
            query?: {
                agent_id?: string;
                end?: string;
                group_by?: "agent" | "model" | "provider" | "day";
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Spend over a window, grouped */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CostSummary"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.listEvents": {
        parameters: {
            query?: {
                agent_id?: string;
                created_after?: string;
                created_before?: string;
                event_type?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                run_id?: string;
                source?: "platform" | "custom";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The org's event log */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Event"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.getEvent": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                event_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get an event */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.emit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    event_type: string;
                    payload?: Record<string, unknown>;
                };
            };
        };
        responses: {
            /** @description Emit a custom event (stored with its deliveries before the answer) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.stream": {
        parameters: {
            query?: {
                event_type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Live events of the org (SSE) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.listSubscriptions": {
        parameters: {
            query?: {
                agent_id?: string;
                enabled?: boolean;
                event_type?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                target_type?: "agent" | "webhook";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List subscriptions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Subscription"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.createSubscription": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    enabled?: boolean;
                    event_type: string;
                    input_template?: string | null;
                    name?: string | null;
                    secret?: string;
                    /** @enum {unknown} */
                    target_type?: "agent" | "webhook";
                    url?: string | null;
                };
            };
        };
        responses: {
            /** @description Subscribe an agent or a webhook to event types */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.getSubscription": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a subscription */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.updateSubscription": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    enabled?: boolean;
                    event_type?: string;
                    input_template?: string | null;
                    name?: string | null;
                    secret?: string;
                    target_type?: unknown;
                    url?: string | null;
                };
            };
        };
        responses: {
            /** @description Change a subscription (partial update) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subscription"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.deleteSubscription": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.listDeliveries": {
        parameters: {
            query?: {
                event_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                status?: "pending" | "succeeded" | "failed";
            };
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deliveries of a subscription (the outbox and its outcomes) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Delivery"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "events.listTypes": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The catalogue of built-in event types */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["EventType"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.listApprovals": {
        parameters: {
            query?: {
                agent_id?: string;
                assignee_user_id?: string;
                kind?: "approval" | "escalation";
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                run_id?: string;
                status?: "pending" | "approved" | "rejected" | "expired" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The approvals inbox (default: pending) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Approval"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.getApproval": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                approval_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get an approval */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Approval"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.approve": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                approval_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    comment?: string | null;
                };
            };
        };
        responses: {
            /** @description Approve: the waiting call executes and the run resumes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Approval"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.delegate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                approval_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    comment?: string | null;
                    user_ids: string[];
                };
            };
        };
        responses: {
            /** @description Hand a pending approval to other users of the org */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Approval"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.reject": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                approval_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    comment?: string | null;
                };
            };
        };
        responses: {
            /** @description Reject: the waiting run fails */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Approval"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id: string;
                    input?: string;
                    output?: string;
                    tokens?: number;
                    tool_name?: string;
                };
            };
        };
        responses: {
            /** @description What the agent's policies would do (records nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyEvaluation"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.listPolicies": {
        parameters: {
            query?: {
                agent_id?: string;
                enabled?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                rule_type?: "token_limit" | "tool_restriction" | "approval_gate" | "content_filter" | "escalation";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List policies */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Policy"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.createPolicy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    description?: string;
                    enabled?: boolean;
                    name: string;
                    rules: Record<string, unknown>[];
                };
            };
        };
        responses: {
            /** @description Create a policy */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Policy"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.getPolicy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                policy_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Policy"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.updatePolicy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                policy_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    description?: string;
                    enabled?: boolean;
                    name?: string;
                    rules?: Record<string, unknown>[];
                };
            };
        };
        responses: {
            /** @description Change a policy (applies to the next check of every run) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Policy"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.deletePolicy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                policy_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "governance.listViolations": {
        parameters: {
            query?: {
                action_taken?: "blocked" | "redacted" | "denied" | "approval_required" | "escalated";
                agent_id?: string;
                created_after?: string;
                created_before?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                policy_id?: string;
                rule_type?: "token_limit" | "tool_restriction" | "approval_gate" | "content_filter" | "escalation";
                run_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List violations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Violation"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "intelligence.agentQuality": {
        parameters: {
            query?: {
                end?: string;
                start?: string;
            };
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Quality of one agent: averages, per version, per day, open anomalies */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentQuality"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "intelligence.listAnomalies": {
        parameters: {
            query?: {
                agent_id?: string;
                limit?: number;
                metric?: "cost" | "latency" | "error_rate" | "tokens";
                offset?: number;
                order?: "asc" | "desc";
                status?: "open" | "resolved";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List anomalies (detected hourly) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Anomaly"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "intelligence.evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    dimensions?: {
                        accuracy: number;
                        helpfulness: number;
                        relevance: number;
                        safety: number;
                    } | null;
                    /** @enum {unknown} */
                    evaluator?: "heuristic" | "llm_judge" | "human";
                    judge_model?: string | null;
                    rationale?: string | null;
                    run_id: string;
                    score?: number | null;
                };
            };
        };
        responses: {
            /** @description Score a completed run (heuristic, llm_judge or human) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Evaluation"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "intelligence.listEvaluations": {
        parameters: {
            query?: {
                agent_id?: string;
                evaluator?: "heuristic" | "llm_judge" | "human";
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                run_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List evaluations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Evaluation"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "intelligence.listInsights": {
        parameters: {
            query?: {
                agent_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                severity?: "info" | "warning" | "critical";
                type?: "trend" | "usage" | "quality" | "reliability";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List insights (regenerated daily) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Insight"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "intelligence.qualityScores": {
        parameters: {
            query?: {
                agent_id?: string;
                end?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                start?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Average quality per agent over a window */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["QualityScore"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "intelligence.listRecommendations": {
        parameters: {
            query?: {
                agent_id?: string;
                category?: "cost" | "quality" | "reliability" | "safety" | "performance";
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List recommendations (regenerated daily) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Recommendation"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.listCollections": {
        parameters: {
            query?: {
                agent_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                search?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List knowledge collections */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Collection"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.createCollection": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    chunk_overlap?: number;
                    chunk_size?: number;
                    description?: string;
                    embedding_model?: string;
                    name: string;
                };
            };
        };
        responses: {
            /** @description Create a knowledge collection */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.getCollection": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                collection_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a knowledge collection */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.updateCollection": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                collection_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    chunk_overlap?: unknown;
                    chunk_size?: unknown;
                    description?: string;
                    embedding_model?: unknown;
                    name?: string;
                };
            };
        };
        responses: {
            /** @description Rename or describe a collection (chunking and model are immutable) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.deleteCollection": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                collection_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.attachAgent": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                collection_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id: string;
                };
            };
        };
        responses: {
            /** @description Attach the collection to an agent (new agent version) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.detachAgent": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
                collection_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.listDocuments": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                status?: "pending" | "processing" | "ready" | "failed";
            };
            header?: never;
            path: {
                collection_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List the documents of a collection */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Document"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.uploadDocument": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                collection_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    content: string;
                    content_type?: string;
                    file?: unknown;
                    metadata?: unknown;
                    name: string;
                };
                "multipart/form-data": {
                    /** Format: binary */
                    file: string;
                    metadata?: string;
                    name?: string;
                };
            };
        };
        responses: {
            /** @description Upload a document (multipart file, or JSON text); processed asynchronously. A name already in the collection is re-indexed */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Document"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.getDocument": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                document_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a document and its processing status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Document"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.deleteDocument": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                document_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "knowledge.searchKnowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    collection_ids?: string[];
                    limit?: number;
                    min_score?: number;
                    query: string;
                    /** @enum {unknown} */
                    search_mode?: "hybrid" | "semantic" | "keyword";
                };
            };
        };
        responses: {
            /** @description Hybrid (semantic + keyword) search over collections */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KnowledgeSearchResult"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.getState": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Lifecycle state of an agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LifecycleState"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.listAbTests": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                status?: "running" | "completed" | "rolled_back";
            };
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A/B tests of an agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ABTest"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.createAbTest": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    auto_rollback?: {
                        enabled?: boolean;
                        error_rate_threshold?: number;
                        min_runs?: number;
                    };
                    name?: string | null;
                    traffic_split?: number;
                    version_a?: number;
                    version_b: number;
                };
            };
        };
        responses: {
            /** @description Start an A/B test between two versions of an agent */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ABTest"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.listHistory": {
        parameters: {
            query?: {
                kind?: "transition" | "rollback" | "ab_test_started" | "ab_test_completed" | "ab_test_rolled_back";
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Lifecycle history of an agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["HistoryEntry"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.promote": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string | null;
                    /** @enum {unknown} */
                    target_state: "draft" | "testing" | "active" | "suspended" | "archived";
                };
            };
        };
        responses: {
            /** @description Move an agent to another state */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LifecycleState"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.rollback": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    version: number;
                };
            };
        };
        responses: {
            /** @description Append a version equal to an earlier one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.listVersions": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Configuration versions of an agent, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["AgentVersion"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.getVersion": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One configuration version of an agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentVersion"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.getAbTest": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                test_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An A/B test with live metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ABTest"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "lifecycle.stopAbTest": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                test_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    winner?: ("a" | "b") | null;
                };
            };
        };
        responses: {
            /** @description Stop a running A/B test, optionally naming the winner */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ABTest"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "marketplace.categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Template categories with the number of templates this org can see */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Category"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "marketplace.listTemplates": {
        parameters: {
            query?: {
                category?: "customer_support" | "sales" | "marketing" | "engineering" | "data" | "research" | "operations" | "productivity" | "other";
                limit?: number;
                mine?: boolean;
                offset?: number;
                order?: "asc" | "desc";
                search?: string;
                sort?: "newest" | "popular" | "rating";
                source?: "builtin" | "org";
                tag?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Browse the templates this org can see (its own, public and built-in) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Template"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "marketplace.createTemplate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id: string;
                    /** @enum {unknown} */
                    category: "customer_support" | "sales" | "marketing" | "engineering" | "data" | "research" | "operations" | "productivity" | "other";
                    description?: string;
                    name: string;
                    tags?: string[];
                    /** @enum {unknown} */
                    visibility?: "org" | "public";
                };
            };
        };
        responses: {
            /** @description Publish a template from an agent of this org */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "marketplace.getTemplate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                template_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a template this org can see */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "marketplace.updateTemplate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                template_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string;
                    /** @enum {unknown} */
                    category?: "customer_support" | "sales" | "marketing" | "engineering" | "data" | "research" | "operations" | "productivity" | "other";
                    description?: string;
                    name?: string;
                    tags?: string[];
                    /** @enum {unknown} */
                    visibility?: "org" | "public";
                };
            };
        };
        responses: {
            /** @description Change an own template; `agent_id` refreshes its snapshot (version + 1) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "marketplace.deleteTemplate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                template_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "marketplace.install": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                template_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    description?: string;
                    model?: string;
                    name: string;
                };
            };
        };
        responses: {
            /** @description Install a template as a draft agent of this org, with its tools */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "marketplace.listReviews": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path: {
                template_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Reviews of a template */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Review"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "marketplace.createReview": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                template_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    comment?: string;
                    rating: number;
                };
            };
        };
        responses: {
            /** @description Review a template of another org (one review per org) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Review"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.listServers": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                status?: "connected" | "error" | "disabled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List MCP servers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["McpServer"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.createServer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    auth_header?: string;
                    auth_token?: string | null;
                    /** @enum {unknown} */
                    auth_type?: "none" | "bearer" | "api_key" | "basic" | "per_user_bearer";
                    enabled?: boolean;
                    name: string;
                    refresh_interval_seconds?: number;
                    /** @enum {unknown} */
                    transport?: "streamable_http" | "sse";
                    url: string;
                };
            };
        };
        responses: {
            /** @description Connect an MCP server (its tools are discovered at once) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["McpServer"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.getServer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                server_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get an MCP server */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["McpServer"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.updateServer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                server_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    auth_header?: string;
                    auth_token?: string | null;
                    /** @enum {unknown} */
                    auth_type?: "none" | "bearer" | "api_key" | "basic" | "per_user_bearer";
                    enabled?: boolean;
                    name?: unknown;
                    refresh_interval_seconds?: number;
                    /** @enum {unknown} */
                    transport?: "streamable_http" | "sse";
                    url?: string;
                };
            };
        };
        responses: {
            /** @description Change an MCP server (rediscovered when its connection changes) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["McpServer"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.deleteServer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                server_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.discover": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                server_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            /** @description Discover the server's tools now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["McpDiscoveryResult"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.listTools": {
        parameters: {
            query?: {
                available?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path: {
                server_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tools discovered on a server */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Tool"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.listCredentials": {
        parameters: {
            query?: {
                end_user_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path: {
                server_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description End-user credentials of a server (tokens never shown) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["UserCredential"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.createCredential": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                server_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    end_user_id: string;
                    /** Format: date-time */
                    expires_at?: string | null;
                    token: string;
                };
            };
        };
        responses: {
            /** @description Store an end user's own token for a per_user_bearer server */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserCredential"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "mcp.deleteCredential": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                end_user_id: string;
                server_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "memory.listMemories": {
        parameters: {
            query?: {
                agent_id?: string;
                end_user_id?: string;
                limit?: number;
                memory_type?: "session" | "long_term" | "episodic" | "semantic";
                offset?: number;
                order?: "asc" | "desc";
                scope?: "agent" | "user" | "org";
                session_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List memory entries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["MemoryEntry"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "memory.createMemory": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    content: string;
                    end_user_id?: string | null;
                    importance?: number;
                    /** @enum {unknown} */
                    memory_type: "session" | "long_term" | "episodic" | "semantic";
                    metadata?: Record<string, unknown>;
                    /** @enum {unknown} */
                    scope?: "agent" | "user" | "org";
                    session_id?: string | null;
                };
            };
        };
        responses: {
            /** @description Store a memory entry (embedded for semantic search) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryEntry"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "memory.deleteMemories": {
        parameters: {
            query?: {
                agent_id?: string;
                end_user_id?: string;
                memory_type?: "session" | "long_term" | "episodic" | "semantic";
                scope?: "agent" | "user" | "org";
                session_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "memory.getMemory": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                memory_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a memory entry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryEntry"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "memory.updateMemory": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                memory_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: unknown;
                    content?: string;
                    end_user_id?: unknown;
                    importance?: number;
                    memory_type?: unknown;
                    metadata?: Record<string, unknown>;
                    scope?: unknown;
                    session_id?: string | null;
                };
            };
        };
        responses: {
            /** @description Change a memory entry (new content is embedded again) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryEntry"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "memory.deleteMemory": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                memory_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "memory.searchMemories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string;
                    end_user_id?: string;
                    limit?: number;
                    /** @enum {unknown} */
                    memory_type?: "session" | "long_term" | "episodic" | "semantic";
                    min_score?: number;
                    query: string;
                    scopes?: ("agent" | "user" | "org")[];
                    /** @enum {unknown} */
                    search_mode?: "hybrid" | "semantic" | "keyword";
                };
            };
        };
        responses: {
            /** @description Search memory by meaning and keywords */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemorySearchResult"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "prompts.listPrompts": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                search?: string;
                tag?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List prompt templates */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Prompt"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "prompts.createPrompt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    description?: string;
                    name: string;
                    tags?: string[];
                    template: string;
                    variables?: {
                        default?: unknown | null;
                        description?: string;
                        name: string;
                        required?: boolean;
                    }[];
                };
            };
        };
        responses: {
            /** @description Create a prompt template (version 1) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Prompt"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "prompts.getPrompt": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                prompt_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a prompt template */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Prompt"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "prompts.updatePrompt": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                prompt_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    description?: string;
                    name?: string;
                    tags?: string[];
                    template?: string;
                    variables?: {
                        default?: unknown | null;
                        description?: string;
                        name: string;
                        required?: boolean;
                    }[];
                };
            };
        };
        responses: {
            /** @description Change a prompt template; a new template or variables make a new version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Prompt"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "prompts.deletePrompt": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                prompt_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "prompts.render": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                prompt_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    variables?: Record<string, unknown>;
                    version?: number;
                };
            };
        };
        responses: {
            /** @description Render a prompt template with values (changes nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptRender"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "prompts.testPrompt": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                prompt_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    input?: string;
                    model: string;
                    variables?: Record<string, unknown>;
                    version?: number;
                };
            };
        };
        responses: {
            /** @description Try a rendered prompt against a model (not a run; counts toward org budgets) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptTestResult"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "prompts.listVersions": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path: {
                prompt_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Versions of a prompt template, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["PromptVersion"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "prompts.getVersion": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                prompt_id: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One version of a prompt template */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptVersion"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "providers.listProviders": {
        parameters: {
            query?: {
                enabled?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                provider?: "openai" | "anthropic" | "google" | "azure_openai" | "groq" | "together" | "ollama" | "vllm" | "openai_compatible";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List provider configurations (never the api key) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ProviderConfig"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "providers.createProvider": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    api_key?: string | null;
                    api_version?: string | null;
                    base_url?: string | null;
                    enabled?: boolean;
                    headers?: {
                        [key: string]: string;
                    };
                    is_default?: boolean;
                    models?: string[];
                    name: string;
                    /** @enum {unknown} */
                    provider: "openai" | "anthropic" | "google" | "azure_openai" | "groq" | "together" | "ollama" | "vllm" | "openai_compatible";
                };
            };
        };
        responses: {
            /** @description Connect an LLM vendor */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderConfig"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "providers.getProvider": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a provider configuration */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderConfig"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "providers.updateProvider": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    api_key?: string | null;
                    api_version?: string | null;
                    base_url?: string | null;
                    enabled?: boolean;
                    headers?: {
                        [key: string]: string;
                    };
                    is_default?: boolean;
                    models?: string[];
                    name?: string;
                    provider?: unknown;
                };
            };
        };
        responses: {
            /** @description Change a provider configuration */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderConfig"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "providers.deleteProvider": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "providers.testProvider": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    model?: string;
                };
            };
        };
        responses: {
            /** @description Make one small real call through the provider */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProviderTestResult"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "providers.listModels": {
        parameters: {
            query?: {
                available?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                provider?: "openai" | "anthropic" | "google" | "azure_openai" | "groq" | "together" | "ollama" | "vllm" | "openai_compatible" | "mock";
                type?: "chat" | "embedding";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The model catalogue with this organization's prices and availability */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Model"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "providers.updateModel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    context_window?: number;
                    input_price_per_1k_usd?: number;
                    output_price_per_1k_usd?: number;
                };
            };
        };
        responses: {
            /** @description Override a model's prices or context window for this organization */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Model"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "public.info": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What a visitor's page may know of a publication */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublicPublication"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "public.chat": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    message: string;
                    session_id?: string;
                    stream?: boolean;
                    visitor_id?: string;
                };
            };
        };
        responses: {
            /** @description Chat with a published agent (stream: true answers SSE as chat does) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatMessage"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "public.mcp": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    id?: unknown | null;
                    jsonrpc?: unknown | null;
                    method?: unknown | null;
                    params?: unknown | null;
                };
            };
        };
        responses: {
            /** @description MCP server endpoint of the published agent (JSON-RPC 2.0, Streamable HTTP 2025-03-26) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "public.messages": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path: {
                session_id: string;
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Messages of a session opened through this publication */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ChatMessage"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "public.widget": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                slug: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The embeddable chat widget (reads data-key from its script tag) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/javascript": unknown;
                };
            };
            400: components["responses"]["Error400"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "publish.listPublications": {
        parameters: {
            query?: {
                agent_id?: string;
                enabled?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List publications */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Publication"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "publish.getPublication": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publication_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a publication */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Publication"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "publish.updatePublication": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publication_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    allowed_origins?: string[];
                    customer_id?: string | null;
                    description?: string;
                    enabled?: boolean;
                    mcp_enabled?: boolean;
                    name?: string;
                    rate_limit?: {
                        max_requests?: number;
                        /** @enum {unknown} */
                        period?: "minute" | "hour";
                    };
                    slug?: unknown;
                    widget?: {
                        greeting?: string;
                        /** @enum {unknown} */
                        position?: "bottom-right" | "bottom-left";
                        primary_color?: string;
                        /** @enum {unknown} */
                        theme?: "light" | "dark";
                        title?: string;
                    };
                };
            };
        };
        responses: {
            /** @description Change a publication (its slug is immutable) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Publication"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "publish.deletePublication": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publication_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "publish.embedCodes": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publication_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Embed codes of a publication: script tag, iframe, URLs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmbedCodes"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "publish.rotateKey": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publication_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            /** @description Replace the public key; the old one stops working at once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Publication"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "publish.publishAgent": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    allowed_origins: string[];
                    customer_id?: string | null;
                    description?: string;
                    enabled?: boolean;
                    mcp_enabled?: boolean;
                    name?: string;
                    rate_limit?: {
                        max_requests?: number;
                        /** @enum {unknown} */
                        period?: "minute" | "hour";
                    };
                    slug?: string;
                    widget?: {
                        greeting?: string;
                        /** @enum {unknown} */
                        position?: "bottom-right" | "bottom-left";
                        primary_color?: string;
                        /** @enum {unknown} */
                        theme?: "light" | "dark";
                        title?: string;
                    };
                };
            };
        };
        responses: {
            /** @description Publish an active agent: public chat, widget and MCP endpoint */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Publication"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.listKeys": {
        parameters: {
            query?: {
                created_by?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List API keys (never the key itself) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiKey"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.createKey": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    expires_at?: string | null;
                    name: string;
                    permissions?: string[];
                    rate_limit_per_minute?: number | null;
                    roles?: string[];
                };
            };
        };
        responses: {
            /** @description Create an API key (shown once) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.getKey": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get an API key (never the key itself) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.revokeKey": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.rotateKey": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    grace_seconds?: number;
                };
            };
        };
        responses: {
            /** @description Issue a new key value; the old one stays valid for grace_seconds */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.listPermissions": {
        parameters: {
            query?: {
                limit?: number;
                module?: string;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The permission catalogue */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Permission"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.listRoles": {
        parameters: {
            query?: {
                builtin?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List roles, built-in ones included */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Role"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.createRole": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    description?: string;
                    name: string;
                    permissions: string[];
                };
            };
        };
        responses: {
            /** @description Create a custom role */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Role"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.getRole": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                role_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a role */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Role"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.updateRole": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                role_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    description?: string;
                    name?: string;
                    permissions?: string[];
                };
            };
        };
        responses: {
            /** @description Change a custom role */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Role"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.deleteRole": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                role_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.listUsers": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                role?: string;
                search?: string;
                status?: "active" | "disabled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List users */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["User"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.createUser": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    name: string;
                    password: string;
                    roles?: string[];
                };
            };
        };
        responses: {
            /** @description Create a user */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.getUser": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.updateUser": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    name?: string;
                    password?: string;
                    /** @enum {unknown} */
                    status?: "active" | "disabled";
                };
            };
        };
        responses: {
            /** @description Change a user's name, status or password */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.deleteUser": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "rbac.setUserRoles": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    roles: string[];
                };
            };
        };
        responses: {
            /** @description Replace a user's roles */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "runtime.execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id: string;
                    agent_version?: number;
                    customer_id?: string | null;
                    end_user_id?: string | null;
                    input: string;
                    max_cost_usd?: number | null;
                    metadata?: Record<string, unknown>;
                    /** @enum {unknown} */
                    mode?: "production" | "test";
                    session_id?: string | null;
                    timeout_seconds?: number;
                };
            };
        };
        responses: {
            /** @description Run an agent and wait for the result */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "runtime.listRuns": {
        parameters: {
            query?: {
                agent_id?: string;
                created_after?: string;
                created_before?: string;
                customer_id?: string;
                end_user_id?: string;
                limit?: number;
                mode?: "production" | "test";
                offset?: number;
                order?: "asc" | "desc";
                parent_run_id?: string;
                session_id?: string;
                status?: "queued" | "running" | "awaiting_approval" | "completed" | "failed" | "cancelled" | "blocked";
                trigger?: "api" | "schedule" | "event" | "chat" | "workflow" | "coordination" | "public";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Run"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "runtime.createRun": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id: string;
                    agent_version?: number;
                    customer_id?: string | null;
                    end_user_id?: string | null;
                    input: string;
                    max_cost_usd?: number | null;
                    metadata?: Record<string, unknown>;
                    /** @enum {unknown} */
                    mode?: "production" | "test";
                    session_id?: string | null;
                    timeout_seconds?: number;
                    wait?: boolean;
                };
            };
        };
        responses: {
            /** @description Start a run of an agent */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "runtime.getRun": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a run */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "runtime.cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Cancel a queued, running or paused run */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "runtime.replay": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_version?: number;
                    replay_tool_outputs?: boolean;
                };
            };
        };
        responses: {
            /** @description Replay a finished run against another agent version */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "runtime.retry": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            /** @description Run a failed, cancelled or blocked run again */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "runtime.listSteps": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                type?: "llm_call" | "tool_call" | "policy_check" | "approval" | "memory" | "message" | "retrieval";
            };
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Steps of a run, index ascending */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Step"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "runtime.stream": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Live run events (SSE) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "scaling.events": {
        parameters: {
            query?: {
                agent_id?: string;
                created_after?: string;
                created_before?: string;
                direction?: "up" | "down";
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                rule_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Scaling decisions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ScalingEvent"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "scaling.metrics": {
        parameters: {
            query?: {
                agent_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Live scaling metrics of the org and of every runnable agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScalingMetrics"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "scaling.listRules": {
        parameters: {
            query?: {
                agent_id?: string;
                enabled?: boolean;
                limit?: number;
                metric?: "queue_depth" | "cpu_usage" | "memory_usage" | "latency_p99";
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List scaling rules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ScalingRule"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "scaling.createRule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    cooldown_seconds?: number;
                    description?: string;
                    enabled?: boolean;
                    max_instances?: number;
                    /** @enum {unknown} */
                    metric: "queue_depth" | "cpu_usage" | "memory_usage" | "latency_p99";
                    min_instances?: number;
                    name: string;
                    scale_down_step?: number;
                    scale_down_threshold?: number;
                    scale_up_step?: number;
                    target_value: number;
                };
            };
        };
        responses: {
            /** @description Create a scaling rule */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScalingRule"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "scaling.getRule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                rule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a scaling rule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScalingRule"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "scaling.updateRule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                rule_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    cooldown_seconds?: number;
                    description?: string;
                    enabled?: boolean;
                    max_instances?: number;
                    /** @enum {unknown} */
                    metric?: "queue_depth" | "cpu_usage" | "memory_usage" | "latency_p99";
                    min_instances?: number;
                    name?: string;
                    scale_down_step?: number;
                    scale_down_threshold?: number;
                    scale_up_step?: number;
                    target_value?: number;
                };
            };
        };
        responses: {
            /** @description Change a scaling rule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScalingRule"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "scaling.deleteRule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                rule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "schedules.listSchedules": {
        parameters: {
            query?: {
                agent_id?: string;
                enabled?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List schedules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Schedule"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "schedules.createSchedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id: string;
                    cron_expression?: string | null;
                    description?: string;
                    enabled?: boolean;
                    input?: string;
                    interval_seconds?: number | null;
                    name: string;
                    timezone?: string;
                };
            };
        };
        responses: {
            /** @description Create a schedule that runs an agent on a cron expression or an interval */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "schedules.getSchedule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "schedules.updateSchedule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string;
                    cron_expression?: string | null;
                    description?: string;
                    enabled?: boolean;
                    input?: string;
                    interval_seconds?: number | null;
                    name?: string;
                    timezone?: string;
                };
            };
        };
        responses: {
            /** @description Change a schedule; next_run_at is recomputed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "schedules.deleteSchedule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "schedules.listScheduleRuns": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                status?: "queued" | "running" | "awaiting_approval" | "completed" | "failed" | "cancelled" | "blocked";
            };
            header?: never;
            path: {
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Runs started by a schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Run"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "schedules.triggerSchedule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            /** @description Run the schedule's agent now (also while disabled; next_run_at stays) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "schedules.previewSchedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    count?: number;
                    cron_expression?: string | null;
                    interval_seconds?: number | null;
                    timezone?: string;
                };
            };
        };
        responses: {
            /** @description The next firing times of a cron expression or interval */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePreview"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "secrets.listSecrets": {
        parameters: {
            query?: {
                agent_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                rotation_due?: boolean;
                scope?: "global" | "agent";
                type?: "api_key" | "token" | "password" | "env_var";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List secrets (metadata only) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Secret"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "secrets.createSecret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    description?: string;
                    name: string;
                    rotation_days?: number | null;
                    /** @enum {unknown} */
                    scope?: "global" | "agent";
                    /** @enum {unknown} */
                    type: "api_key" | "token" | "password" | "env_var";
                    value: string;
                };
            };
        };
        responses: {
            /** @description Store a secret (its value never comes back) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Secret"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "secrets.getSecret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                secret_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a secret's metadata */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Secret"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "secrets.updateSecret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                secret_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    agent_id?: unknown;
                    description?: string;
                    name?: unknown;
                    rotation_days?: number | null;
                    scope?: unknown;
                    /** @enum {unknown} */
                    type?: "api_key" | "token" | "password" | "env_var";
                    value?: string;
                };
            };
        };
        responses: {
            /** @description Change a secret; a new value counts as a rotation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Secret"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "secrets.deleteSecret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                secret_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "secrets.rotateSecret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                secret_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    value: string;
                };
            };
        };
        responses: {
            /** @description Replace a secret's value (version +1) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Secret"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "tools.list": {
        parameters: {
            query?: {
                available?: boolean;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                safety_level?: "safe" | "moderate" | "dangerous";
                search?: string;
                type?: "rest_api" | "function" | "database" | "search" | "mcp";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List tools */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Tool"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "tools.create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    config?: Record<string, unknown>;
                    description: string;
                    endpoint?: string | null;
                    headers?: {
                        [key: string]: string;
                    };
                    input_schema?: Record<string, unknown>;
                    /** @enum {unknown} */
                    method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
                    name: string;
                    rate_limit?: {
                        max_calls: number;
                        /** @enum {unknown} */
                        period: "minute" | "hour";
                    } | null;
                    /** @enum {unknown} */
                    safety_level?: "safe" | "moderate" | "dangerous";
                    timeout_seconds?: number;
                    /** @enum {unknown} */
                    type: "rest_api" | "function" | "database" | "search";
                };
            };
        };
        responses: {
            /** @description Register a tool */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tool"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "tools.get": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tool_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a tool */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tool"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "tools.update": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tool_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    config?: Record<string, unknown>;
                    description?: string;
                    endpoint?: string | null;
                    headers?: {
                        [key: string]: string;
                    };
                    input_schema?: Record<string, unknown>;
                    /** @enum {unknown} */
                    method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
                    name?: string;
                    rate_limit?: {
                        max_calls: number;
                        /** @enum {unknown} */
                        period: "minute" | "hour";
                    } | null;
                    /** @enum {unknown} */
                    safety_level?: "safe" | "moderate" | "dangerous";
                    timeout_seconds?: number;
                    /** @enum {unknown} */
                    type?: "rest_api" | "function" | "database" | "search" | "mcp";
                };
            };
        };
        responses: {
            /** @description Change a tool */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tool"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "tools.remove": {
        parameters: {
            query?: {
                force?: boolean;
            };
            header?: never;
            path: {
                tool_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "tools.resetCircuit": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tool_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            /** @description Close a tool's circuit breaker */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tool"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "tools.invocations": {
        parameters: {
            query?: {
                created_after?: string;
                created_before?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                run_id?: string;
                source?: "run" | "test";
                status?: "success" | "error" | "denied" | "simulated" | "rate_limited" | "replayed";
            };
            header?: never;
            path: {
                tool_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A tool's invocation log */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Invocation"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "tools.test": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tool_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    input?: Record<string, unknown>;
                };
            };
        };
        responses: {
            /** @description Call a tool for real with a test input */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ToolTestResult"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.listWorkflows": {
        parameters: {
            query?: {
                agent_id?: string;
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                search?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List workflows */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Workflow"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.createWorkflow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    description?: string;
                    name: string;
                    steps: {
                        agent_id: string;
                        depends_on?: string[];
                        id: string;
                        input_template?: string;
                        /** @enum {unknown} */
                        on_failure?: "fail" | "continue";
                        timeout_seconds?: number | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Create a workflow (a DAG of agent steps) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.getWorkflow": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workflow_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get a workflow */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.updateWorkflow": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workflow_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    description?: string;
                    name?: string;
                    steps?: {
                        agent_id: string;
                        depends_on?: string[];
                        id: string;
                        input_template?: string;
                        /** @enum {unknown} */
                        on_failure?: "fail" | "continue";
                        timeout_seconds?: number | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Change a workflow; running executions keep their version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.deleteWorkflow": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workflow_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.execute": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workflow_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    input?: string;
                    timeout_seconds?: number;
                    wait?: boolean;
                };
            };
        };
        responses: {
            /** @description Start an execution of a workflow */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.listExecutions": {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                order?: "asc" | "desc";
                status?: "queued" | "running" | "completed" | "failed" | "cancelled";
            };
            header?: never;
            path: {
                workflow_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Executions of a workflow */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Execution"][];
                        limit: number;
                        offset: number;
                        total: number;
                    };
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.getExecution": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                execution_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Get an execution */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.cancelExecution": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                execution_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            /** @description Cancel a queued or running execution and its step runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.streamExecution": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                execution_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Live execution events (SSE) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
    "workflows.validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    steps: unknown[];
                };
            };
        };
        responses: {
            /** @description Check a workflow graph without saving it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowValidation"];
                };
            };
            400: components["responses"]["Error400"];
            401: components["responses"]["Error401"];
            403: components["responses"]["Error403"];
            404: components["responses"]["Error404"];
            409: components["responses"]["Error409"];
            413: components["responses"]["Error413"];
            415: components["responses"]["Error415"];
            429: components["responses"]["Error429"];
            500: components["responses"]["Error500"];
        };
    };
}
