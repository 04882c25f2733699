import type { ServiceSchema } from "moleculer";
import ActorsService from "./actors/actors.service";
import AdminService from "./admin/admin.service";
import AgentsService from "./agents/agents.service";
import AnalyticsService from "./analytics/analytics.service";
import ApiService from "./api/api.service";
import AuditService from "./audit/audit.service";
import AuthService from "./auth/auth.service";
import BudgetsService from "./budgets/budgets.service";
import CostService from "./cost/cost.service";
import GovernanceService from "./governance/governance.service";
import IntelligenceService from "./intelligence/intelligence.service";
import LifecycleService from "./lifecycle/lifecycle.service";
import ProvidersService from "./providers/providers.service";
import RbacService from "./rbac/rbac.service";
import RuntimeService from "./runtime/runtime.service";
import SecretsService from "./secrets/secrets.service";
import ToolsService from "./tools/tools.service";

/** Every service of Fluxgate by name; `SERVICES=a,b` picks some of them for a node. */
export const SERVICE_SCHEMAS: Record<string, ServiceSchema<any, any, any>> = {
	admin: AdminService,
	rbac: RbacService,
	agents: AgentsService,
	lifecycle: LifecycleService,
	secrets: SecretsService,
	providers: ProvidersService,
	tools: ToolsService,
	budgets: BudgetsService,
	cost: CostService,
	governance: GovernanceService,
	runtime: RuntimeService,
	actors: ActorsService,
	analytics: AnalyticsService,
	intelligence: IntelligenceService,
	auth: AuthService,
	audit: AuditService,
	api: ApiService
};
