/** The navigation: each entry's route, label and the scope (or role) that shows it. */
export interface NavItem {
  to: string;
  label: string;
  scope?: string;
  admin?: boolean;
  staff?: boolean;
}

export const NAV: { section: string; items: NavItem[] }[] = [
  {
    section: "Payments",
    items: [
      { to: "/", label: "Home" },
      { to: "/payments", label: "Payments", scope: "payments:read" },
      { to: "/refunds", label: "Refunds", scope: "payments:read" },
      { to: "/disputes", label: "Disputes", scope: "payments:read" },
      { to: "/customers", label: "Customers", scope: "customers:read" },
    ],
  },
  {
    section: "Analytics",
    items: [
      { to: "/analytics/revenue", label: "Revenue", scope: "analytics:read" },
      { to: "/analytics/customers", label: "Customer analytics", scope: "analytics:read" },
      { to: "/analytics/subscriptions", label: "Subscriptions (MRR)", scope: "analytics:read" },
      { to: "/analytics/fraud", label: "Fraud", scope: "analytics:read" },
      { to: "/reports", label: "Reports", scope: "analytics:read" },
    ],
  },
  {
    section: "Money",
    items: [
      { to: "/balance", label: "Balance & payouts", scope: "wallets:read" },
      { to: "/wallets", label: "Wallets", scope: "wallets:read" },
      { to: "/transfers", label: "Transfers", scope: "wallets:read" },
      { to: "/ledger", label: "Ledger", scope: "wallets:read" },
    ],
  },
  {
    section: "Billing",
    items: [
      { to: "/billing/subscriptions", label: "Subscriptions", scope: "billing:read" },
      { to: "/billing/invoices", label: "Invoices", scope: "billing:read" },
      { to: "/billing/products", label: "Products", scope: "billing:read" },
      { to: "/billing/coupons", label: "Coupons", scope: "billing:read" },
      { to: "/billing/test-clocks", label: "Test clocks", scope: "billing:read" },
    ],
  },
  {
    section: "Risk & compliance",
    items: [
      { to: "/risk/reviews", label: "Risk reviews", scope: "risk:read" },
      { to: "/risk/rules", label: "Risk rules", scope: "risk:read" },
      { to: "/compliance/alerts", label: "AML alerts", scope: "compliance:read" },
      { to: "/compliance/audit", label: "Audit log", scope: "compliance:read" },
      { to: "/compliance/reports", label: "Regulatory reports", scope: "compliance:read" },
      { to: "/agents/approvals", label: "Agent approvals", admin: true },
    ],
  },
  {
    section: "Settings",
    items: [
      { to: "/settings/api-keys", label: "API keys", admin: true },
      { to: "/settings/assistant-policy", label: "Assistant policy" },
      { to: "/settings/webhooks", label: "Webhooks", scope: "webhooks:read" },
      { to: "/settings/team", label: "Team", admin: true },
      { to: "/notifications", label: "Notifications" },
      { to: "/settings/notifications", label: "Notification preferences" },
      { to: "/developers/events", label: "Events", scope: "events:read" },
      { to: "/system", label: "System", staff: true },
    ],
  },
];
