/**
 * The list-and-action pages that are one resource each: refunds, disputes, customers, payouts,
 * wallets, transfers, ledger, risk reviews, compliance alerts, webhooks, notifications, events.
 */
import Typography from "@mui/material/Typography";
import { useQuery } from "@tanstack/react-query";

import { apiJson } from "../api/client";
import { useAuth } from "../auth/AuthProvider";
import { Money, StatusChip, timestamp } from "../components/common";
import ResourcePage from "../components/ResourcePage";
import { OPEN_DISPUTE } from "./disputes/status";
import {
  FREEZE_FIELDS,
  topUpFields,
  TRANSFER_ACTIONS,
  TRANSFER_COLUMNS,
  transferCreate,
  type Transfer,
} from "./wallets/parts";

type Row = { id: string } & Record<string, unknown>;
const money = (row: Row, field = "amount") => (
  <Money amount={row[field] as number} currency={row.currency as string} />
);
const status = (row: Row) => <StatusChip status={row.status as string} />;
const created = (row: Row) => timestamp(row.created);
const text = (field: string) => (row: Row) => String(row[field] ?? "—");

export function RefundsPage() {
  return (
    <ResourcePage<Row>
      title="Refunds"
      path="/refunds"
      filters={[{ name: "payment", label: "Payment id" }]}
      rowLink={(row) => `/payments/${String(row.payment)}`}
      columns={[
        { field: "amount", header: "Amount", render: money },
        { field: "status", header: "Status", render: status },
        { field: "id", header: "ID", width: 230 },
        { field: "payment", header: "Payment", width: 230 },
        { field: "reason", header: "Reason", render: text("reason") },
        { field: "created", header: "Created (UTC)", render: created },
      ]}
    />
  );
}

/** Disputes: rows open the dispute's page (evidence form, accept); "Accept" is also a row action. */
export function DisputesPage() {
  return (
    <ResourcePage<Row>
      title="Disputes"
      path="/disputes"
      filters={[
        {
          name: "status",
          label: "Status",
          options: ["needs_response", "under_review", "won", "lost"],
        },
      ]}
      rowLink={(row) => `/disputes/${row.id}`}
      columns={[
        { field: "amount", header: "Amount", render: money },
        { field: "status", header: "Status", render: status },
        { field: "id", header: "ID", width: 230 },
        { field: "payment", header: "Payment", width: 230 },
        { field: "reason", header: "Reason", render: text("reason") },
        { field: "created", header: "Created (UTC)", render: created },
      ]}
      actions={[
        {
          name: "accept",
          label: "Accept",
          scope: "payments:write",
          danger: true,
          show: (row) => OPEN_DISPUTE.has(String(row.status)),
          path: (row) => `/disputes/${row.id}/close`,
        },
      ]}
    />
  );
}

export function CustomersPage() {
  return (
    <ResourcePage<Row>
      title="Customers"
      path="/customers"
      rowLink={(row) => `/customers/${row.id}`}
      filters={[{ name: "email", label: "Email" }]}
      columns={[
        { field: "name", header: "Name", render: text("name") },
        { field: "email", header: "Email", render: text("email") },
        { field: "id", header: "ID", width: 230 },
        { field: "created", header: "Created (UTC)", render: created },
      ]}
      create={{
        name: "create",
        label: "New customer",
        scope: "customers:write",
        path: "/customers",
        fields: [
          { name: "name", label: "Name", required: true },
          { name: "email", label: "Email" },
          { name: "phone", label: "Phone" },
        ],
      }}
      actions={[
        {
          name: "erase",
          label: "Erase",
          scope: "customers:write",
          danger: true,
          show: (row) => !row.deleted,
          fields: (row) => [
            {
              name: "confirm",
              label: `Type ${row.id} to confirm the erasure`,
              required: true,
              helperText: "Personal data is erased; payments and ledger entries stay.",
            },
          ],
          method: "DELETE",
          path: (row) => `/customers/${row.id}`,
          body: (values, row) => {
            if (values.confirm !== row.id) throw new Error(`Type ${row.id} exactly to confirm.`);
            return undefined;
          },
        },
      ]}
    />
  );
}

interface BalanceAmount {
  amount: number;
  currency: string;
}

export function BalancePage() {
  const auth = useAuth();
  const balance = useQuery({
    queryKey: ["/balance"],
    queryFn: () => apiJson<{ available: BalanceAmount[]; pending: BalanceAmount[] }>("/balance"),
  });
  return (
    <ResourcePage<Row>
      title="Balance & payouts"
      path="/payouts"
      columns={[
        { field: "amount", header: "Amount", render: money },
        { field: "status", header: "Status", render: status },
        { field: "id", header: "ID", width: 230 },
        { field: "destination", header: "Destination", render: text("destination") },
        { field: "created", header: "Created (UTC)", render: created },
      ]}
      create={{
        name: "create",
        label: "New payout",
        scope: "payouts:write",
        path: "/payouts",
        fields: [
          {
            name: "currency",
            label: "Currency",
            kind: "select",
            options: balance.data?.available.map((b) => b.currency) ?? ["usd"],
            defaultValue: "usd",
          },
          {
            name: "amount",
            label: "Amount in minor units",
            kind: "number",
            required: true,
            helperText: "e.g. 1050 = 10.50 USD",
          },
          { name: "description", label: "Description" },
        ],
      }}
      actions={[
        {
          name: "cancel",
          label: "Cancel",
          scope: "payouts:write",
          danger: true,
          show: (row) => row.status === "pending",
          path: (row) => `/payouts/${row.id}/cancel`,
        },
      ]}
    >
      <Typography component="div" sx={{ mb: 2 }} data-testid="balance">
        {balance.data?.available.map((row) => (
          <div key={row.currency}>
            Available <Money amount={row.amount} currency={row.currency} />
          </div>
        ))}
        {balance.data?.pending.map((row) => (
          <div key={`p-${row.currency}`}>
            Pending <Money amount={row.amount} currency={row.currency} />
          </div>
        ))}
        {!auth.can("payouts:write") && <em>Your role cannot create payouts.</em>}
      </Typography>
    </ResourcePage>
  );
}

const walletBalance = (row: Row) => {
  const balance = row.balance as { available: number; pending: number } | undefined;
  return balance ? <Money amount={balance.available} currency={row.currency as string} /> : "—";
};

export function WalletsPage() {
  return (
    <ResourcePage<Row>
      title="Wallets"
      path="/wallets"
      filters={[{ name: "customer", label: "Customer id" }]}
      rowLink={(row) => `/wallets/${row.id}`}
      columns={[
        { field: "balance", header: "Available", render: walletBalance },
        { field: "status", header: "Status", render: status },
        { field: "id", header: "ID", width: 230 },
        { field: "customer", header: "Customer", render: text("customer") },
        { field: "currency", header: "Currency" },
      ]}
      create={{
        name: "create",
        label: "New wallet",
        scope: "wallets:write",
        path: "/wallets",
        fields: [
          { name: "customer", label: "Customer id", required: true },
          { name: "currency", label: "Currency", defaultValue: "usd", required: true },
        ],
      }}
      actions={[
        {
          name: "topup",
          label: "Top up",
          scope: "wallets:write",
          show: (row) => row.status === "active",
          fields: (row) => topUpFields(String(row.currency ?? "usd")),
          path: (row) => `/wallets/${row.id}/top_ups`,
        },
        {
          name: "freeze",
          label: "Freeze",
          scope: "wallets:write",
          danger: true,
          show: (row) => row.status === "active",
          fields: FREEZE_FIELDS,
          path: (row) => `/wallets/${row.id}/freeze`,
        },
        {
          name: "unfreeze",
          label: "Unfreeze",
          scope: "wallets:write",
          show: (row) => row.status === "frozen",
          fields: FREEZE_FIELDS,
          path: (row) => `/wallets/${row.id}/unfreeze`,
        },
      ]}
    />
  );
}

export function TransfersPage() {
  return (
    <ResourcePage<Transfer>
      title="Transfers"
      path="/transfers"
      filters={[{ name: "wallet", label: "Wallet id" }]}
      columns={TRANSFER_COLUMNS}
      create={transferCreate()}
      actions={TRANSFER_ACTIONS}
    />
  );
}

export function LedgerPage() {
  const auth = useAuth();
  const trial = useQuery({
    queryKey: ["/ledger/trial_balance"],
    queryFn: () =>
      apiJson<{ balanced: boolean; currencies: Record<string, unknown> }>("/ledger/trial_balance"),
    enabled: auth.isStaff,
  });
  return (
    <ResourcePage<Row>
      title="Ledger"
      path="/ledger/accounts"
      columns={[
        { field: "code", header: "Account", render: text("code") },
        { field: "type", header: "Type" },
        { field: "balance", header: "Balance", render: (row) => money(row, "balance") },
        { field: "id", header: "ID", width: 230 },
        { field: "frozen", header: "Frozen", render: (row) => (row.frozen ? "yes" : "no") },
      ]}
    >
      {auth.isStaff && trial.data && (
        <Typography sx={{ mb: 2 }} data-testid="trial-balance">
          Trial balance: {trial.data.balanced ? "balanced" : "NOT balanced"}
        </Typography>
      )}
    </ResourcePage>
  );
}

export function RiskReviewsPage() {
  const decision = (name: "approve" | "reject") => ({
    name,
    label: name === "approve" ? "Approve" : "Reject",
    scope: "risk:write",
    danger: name === "reject",
    show: (row: Row) => row.status === "open" || row.status === "pending",
    fields: [{ name: "note", label: "Note" }],
    path: (row: Row) => `/risk/reviews/${row.id}/${name}`,
  });
  return (
    <ResourcePage<Row>
      title="Risk reviews"
      path="/risk/reviews"
      columns={[
        { field: "object_id", header: "Object", width: 230, render: text("object_id") },
        { field: "score", header: "Score", render: text("score") },
        { field: "status", header: "Status", render: status },
        { field: "created", header: "Created (UTC)", render: created },
      ]}
      actions={[decision("approve"), decision("reject")]}
    />
  );
}

export function AlertsPage() {
  return (
    <ResourcePage<Row>
      title="AML alerts"
      path="/compliance/alerts"
      columns={[
        { field: "kind", header: "Kind" },
        { field: "severity", header: "Severity" },
        { field: "status", header: "Status", render: status },
        { field: "object_id", header: "Object", width: 230, render: text("object_id") },
        { field: "created", header: "Created (UTC)", render: created },
      ]}
      actions={[
        {
          name: "resolve",
          label: "Resolve",
          scope: "compliance:read",
          show: (row) => row.status === "open",
          fields: [{ name: "note", label: "Note" }],
          path: (row) => `/compliance/alerts/${row.id}/resolve`,
        },
      ]}
    />
  );
}

export function NotificationsPage() {
  return (
    <ResourcePage<Row>
      title="Notifications"
      path="/notifications"
      columns={[
        { field: "title", header: "Title", render: text("title") },
        { field: "body", header: "Body", render: text("body") },
        { field: "read", header: "Read", render: (row) => (row.read ? "yes" : "no") },
        { field: "created", header: "Created (UTC)", render: created },
      ]}
      actions={[
        {
          name: "read",
          label: "Mark read",
          show: (row) => !row.read,
          path: (row) => `/notifications/${row.id}/read`,
        },
      ]}
    />
  );
}

export function EventsPage() {
  return (
    <ResourcePage<Row>
      title="Events"
      path="/events"
      filters={[
        { name: "type", label: "Type (e.g. payment.*)" },
        { name: "object", label: "Object id" },
      ]}
      rowLink={(row) => `/developers/events/${row.id}`}
      columns={[
        { field: "type", header: "Type" },
        { field: "id", header: "ID", width: 240 },
        { field: "created", header: "Created (UTC)", render: created },
      ]}
    />
  );
}
