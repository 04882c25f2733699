import type { ServiceSchema } from "moleculer";
import ActorsService from "./actors/actors.service";
import AdminService from "./admin/admin.service";
import AgentsService from "./agents/agents.service";
import AnalyticsService from "./analytics/analytics.service";
import ApiService from "./api/api.service";
import AuditService from "./audit/audit.service";
import AuthService from "./auth/auth.service";
import BillingService from "./billing/billing.service";
import BudgetsService from "./budgets/budgets.service";
import CoordinationService from "./coordination/coordination.service";
import CostService from "./cost/cost.service";
import EventsService from "./events/events.service";
import GovernanceService from "./governance/governance.service";
import KnowledgeService from "./knowledge/knowledge.service";
import IntelligenceService from "./intelligence/intelligence.service";
import LifecycleService from "./lifecycle/lifecycle.service";
import MarketplaceService from "./marketplace/marketplace.service";
import McpService from "./mcp/mcp.service";
import ChatService from "./chat/chat.service";
import PromptsService from "./prompts/prompts.service";

import PublicService from "./publish/public.service";
import PublishService from "./publish/publish.service";
import MemoryService from "./memory/memory.service";
import ProvidersService from "./providers/providers.service";
import RbacService from "./rbac/rbac.service";
import RuntimeService from "./runtime/runtime.service";
import AutoscalerService from "./scaling/autoscaler.service";
import ScalingService from "./scaling/scaling.service";
import SchedulerService from "./schedules/scheduler.service";
import SchedulesService from "./schedules/schedules.service";
import SecretsService from "./secrets/secrets.service";
import ToolsService from "./tools/tools.service";
import WorkflowRunnerService from "./workflows/runner.service";
import WorkflowsService from "./workflows/workflows.service";

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
	memory: MemoryService,
	knowledge: KnowledgeService,
	budgets: BudgetsService,
	cost: CostService,
	billing: BillingService,
	marketplace: MarketplaceService,
	governance: GovernanceService,
	prompts: PromptsService,
	events: EventsService,
	coordination: CoordinationService,
	runtime: RuntimeService,
	chat: ChatService,
	publish: PublishService,
	public: PublicService,
	actors: ActorsService,
	scaling: ScalingService,
	// Elected on one runtime node at a time: applies the scaling rules and places agent actors.
	autoscaler: AutoscalerService,
	workflows: WorkflowsService,
	"workflow-runner": WorkflowRunnerService,
	schedules: SchedulesService,
	// Fires schedule ticks; run it on any number of nodes (gateway and runtime nodes), each tick fires once.
	scheduler: SchedulerService,
	analytics: AnalyticsService,
	intelligence: IntelligenceService,
	auth: AuthService,
	audit: AuditService,
	api: ApiService
};
