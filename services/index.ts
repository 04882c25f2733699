import type { ServiceSchema } from "moleculer";
import ActorsService from "./actors/actors.service";
import AdminService from "./admin/admin.service";
import AgentsService from "./agents/agents.service";
import ApiService from "./api/api.service";
import AuditService from "./audit/audit.service";
import AuthService from "./auth/auth.service";
import BillingService from "./billing/billing.service";
import BudgetsService from "./budgets/budgets.service";
import CostService from "./cost/cost.service";
import GovernanceService from "./governance/governance.service";
import LifecycleService from "./lifecycle/lifecycle.service";
import MarketplaceService from "./marketplace/marketplace.service";
import McpService from "./mcp/mcp.service";
import ChatService from "./chat/chat.service";
import PromptsService from "./prompts/prompts.service";
import PublicService from "./publish/public.service";
import PublishService from "./publish/publish.service";
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
	mcp: McpService,
	budgets: BudgetsService,
	cost: CostService,
	billing: BillingService,
	marketplace: MarketplaceService,
	governance: GovernanceService,
	prompts: PromptsService,
	runtime: RuntimeService,
	chat: ChatService,
	publish: PublishService,
	public: PublicService,
	actors: ActorsService,
	auth: AuthService,
	audit: AuditService,
	api: ApiService
};
