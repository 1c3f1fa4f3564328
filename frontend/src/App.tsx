/** Routes (`basename /dashboard`, lazy per area) behind the login. */
import CircularProgress from "@mui/material/CircularProgress";
import { lazy, Suspense, type ReactNode } from "react";
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  RouterProvider,
  useLocation,
  useParams,
} from "react-router";

import { useAuth } from "./auth/AuthProvider";
import Layout from "./components/Layout";
import HomePage from "./pages/HomePage";
import LoginPage from "./pages/LoginPage";
import NotFoundPage from "./pages/NotFoundPage";

const PaymentsPage = lazy(() => import("./pages/payments/PaymentsPage"));
const PaymentDetailPage = lazy(() => import("./pages/payments/PaymentDetailPage"));
const resources = () => import("./pages/resources");
const RefundsPage = lazy(() => resources().then((m) => ({ default: m.RefundsPage })));
const DisputesPage = lazy(() => resources().then((m) => ({ default: m.DisputesPage })));
const CustomersPage = lazy(() => resources().then((m) => ({ default: m.CustomersPage })));
const BalancePage = lazy(() => resources().then((m) => ({ default: m.BalancePage })));
const WalletsPage = lazy(() => resources().then((m) => ({ default: m.WalletsPage })));
const TransfersPage = lazy(() => resources().then((m) => ({ default: m.TransfersPage })));
const LedgerPage = lazy(() => resources().then((m) => ({ default: m.LedgerPage })));
const RiskReviewsPage = lazy(() => resources().then((m) => ({ default: m.RiskReviewsPage })));
const AlertsPage = lazy(() => resources().then((m) => ({ default: m.AlertsPage })));
const NotificationsPage = lazy(() => resources().then((m) => ({ default: m.NotificationsPage })));
const EventsPage = lazy(() => resources().then((m) => ({ default: m.EventsPage })));
const CustomerDetailPage = lazy(() => import("./pages/customers/CustomerDetailPage"));
const WalletDetailPage = lazy(() => import("./pages/wallets/WalletDetailPage"));
const DisputeDetailPage = lazy(() => import("./pages/disputes/DisputeDetailPage"));
const complianceReports = () => import("./pages/compliance/ComplianceReportsPages");
const ComplianceReportsPage = lazy(() =>
  complianceReports().then((m) => ({ default: m.ComplianceReportsPage })),
);
const ComplianceReportDetailPage = lazy(() =>
  complianceReports().then((m) => ({ default: m.ComplianceReportDetailPage })),
);
const RiskRulesPage = lazy(() => import("./pages/risk/RiskRulesPage"));
const AuditPage = lazy(() => import("./pages/AuditPage"));
const ApprovalsPage = lazy(() => import("./pages/ApprovalsPage"));
const ApiKeysPage = lazy(() => import("./pages/settings/ApiKeysPage"));
const AssistantPolicyPage = lazy(() => import("./pages/settings/AssistantPolicyPage"));
const NotificationSettingsPage = lazy(() => import("./pages/settings/NotificationSettingsPage"));
const TeamPage = lazy(() => import("./pages/settings/TeamPage"));
const WebhooksPage = lazy(() => import("./pages/settings/WebhooksPage"));
const WebhookDeliveriesPage = lazy(() =>
  import("./pages/settings/WebhooksPage").then((m) => ({ default: m.WebhookDeliveriesPage })),
);
const SystemPage = lazy(() => import("./pages/SystemPage"));
const EventDetail = lazy(() =>
  import("./pages/SystemPage").then((m) => ({ default: m.EventDetailPage })),
);
const billing = () => import("./pages/billing/BillingPages");
const SubscriptionsPage = lazy(() => billing().then((m) => ({ default: m.SubscriptionsPage })));
const InvoicesPage = lazy(() => billing().then((m) => ({ default: m.InvoicesPage })));
const ProductsPage = lazy(() => billing().then((m) => ({ default: m.ProductsPage })));
const CouponsPage = lazy(() => billing().then((m) => ({ default: m.CouponsPage })));
const TestClocksPage = lazy(() => billing().then((m) => ({ default: m.TestClocksPage })));
const SubscriptionDetailPage = lazy(() => import("./pages/billing/SubscriptionDetailPage"));
const InvoiceDetailPage = lazy(() => import("./pages/billing/InvoiceDetailPage"));
const analytics = () => import("./pages/analytics/AnalyticsPages");
const RevenuePage = lazy(() => analytics().then((m) => ({ default: m.RevenuePage })));
const CustomersAnalyticsPage = lazy(() =>
  analytics().then((m) => ({ default: m.CustomersAnalyticsPage })),
);
const SubscriptionsAnalyticsPage = lazy(() =>
  analytics().then((m) => ({ default: m.SubscriptionsAnalyticsPage })),
);
const FraudAnalyticsPage = lazy(() => analytics().then((m) => ({ default: m.FraudAnalyticsPage })));
const reports = () => import("./pages/reports/ReportsPages");
const ReportsListPage = lazy(() => reports().then((m) => ({ default: m.ReportsListPage })));
const ReportBuilderPage = lazy(() => reports().then((m) => ({ default: m.ReportBuilderPage })));
const ReportDetailPage = lazy(() => reports().then((m) => ({ default: m.ReportDetailPage })));

function RequireAuth({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();
  if (!auth.tokens) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}

function EventDetailRoute() {
  const { id = "" } = useParams();
  return <EventDetail id={id} />;
}

const router = createBrowserRouter(
  [
    { path: "/login", element: <LoginPage /> },
    {
      path: "/",
      element: (
        <RequireAuth>
          <Layout />
        </RequireAuth>
      ),
      children: [
        { index: true, element: <HomePage /> },
        { path: "payments", element: <PaymentsPage /> },
        { path: "payments/:id", element: <PaymentDetailPage /> },
        { path: "refunds", element: <RefundsPage /> },
        { path: "disputes", element: <DisputesPage /> },
        { path: "disputes/:id", element: <DisputeDetailPage /> },
        { path: "customers", element: <CustomersPage /> },
        { path: "customers/:id", element: <CustomerDetailPage /> },
        { path: "balance", element: <BalancePage /> },
        { path: "payouts", element: <BalancePage /> },
        { path: "wallets", element: <WalletsPage /> },
        { path: "wallets/:id", element: <WalletDetailPage /> },
        { path: "transfers", element: <TransfersPage /> },
        { path: "ledger", element: <LedgerPage /> },
        { path: "risk/reviews", element: <RiskReviewsPage /> },
        { path: "risk/rules", element: <RiskRulesPage /> },
        { path: "compliance/alerts", element: <AlertsPage /> },
        { path: "compliance/audit", element: <AuditPage /> },
        { path: "compliance/reports", element: <ComplianceReportsPage /> },
        { path: "compliance/reports/:id", element: <ComplianceReportDetailPage /> },
        { path: "agents/approvals", element: <ApprovalsPage /> },
        { path: "settings/api-keys", element: <ApiKeysPage /> },
        { path: "settings/assistant-policy", element: <AssistantPolicyPage /> },
        { path: "settings/notifications", element: <NotificationSettingsPage /> },
        { path: "settings/team", element: <TeamPage /> },
        { path: "settings/webhooks", element: <WebhooksPage /> },
        { path: "settings/webhooks/:id", element: <WebhookDeliveriesPage /> },
        { path: "notifications", element: <NotificationsPage /> },
        { path: "developers/events", element: <EventsPage /> },
        { path: "developers/events/:id", element: <EventDetailRoute /> },
        { path: "system", element: <SystemPage /> },
        { path: "billing/subscriptions", element: <SubscriptionsPage /> },
        { path: "billing/subscriptions/:id", element: <SubscriptionDetailPage /> },
        { path: "billing/invoices", element: <InvoicesPage /> },
        { path: "billing/invoices/:id", element: <InvoiceDetailPage /> },
        { path: "billing/products", element: <ProductsPage /> },
        { path: "billing/coupons", element: <CouponsPage /> },
        { path: "billing/test-clocks", element: <TestClocksPage /> },
        { path: "analytics/revenue", element: <RevenuePage /> },
        { path: "analytics/customers", element: <CustomersAnalyticsPage /> },
        { path: "analytics/subscriptions", element: <SubscriptionsAnalyticsPage /> },
        { path: "analytics/fraud", element: <FraudAnalyticsPage /> },
        { path: "reports", element: <ReportsListPage /> },
        { path: "reports/new", element: <ReportBuilderPage /> },
        { path: "reports/:id", element: <ReportDetailPage /> },
        { path: "*", element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: "/dashboard" },
);

export default function App() {
  return (
    <Suspense fallback={<CircularProgress aria-label="Loading" />}>
      <RouterProvider router={router} />
    </Suspense>
  );
}

export { Outlet };
