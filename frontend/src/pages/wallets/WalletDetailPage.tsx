/**
 * One wallet (`wallets/:id`): available and pending balance, status, customer; top up by card,
 * freeze and unfreeze (hidden without `wallets:write`, dialogs in the URL as `?dialog=`); tabs
 * (`?tab=`) with the wallet's transactions (`/wallets/{id}/transactions`, cursor-paged), its
 * transfers and holds (`/transfers?wallet=`; post and void a pending hold, a new transfer from
 * this wallet) and the raw JSON. Live: a payment event on `/ws/payments` whose payment credits
 * this wallet (a top-up made anywhere, e.g. by the assistant) refreshes the page. Another
 * merchant's id shows the 404 page.
 */
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Stack from "@mui/material/Stack";
import Tab from "@mui/material/Tab";
import Tabs from "@mui/material/Tabs";
import Typography from "@mui/material/Typography";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { apiJson } from "../../api/client";
import { ApiError } from "../../api/errors";
import { fetchPage } from "../../api/lists";
import type { components } from "../../api/schema";
import { useAuth } from "../../auth/AuthProvider";
import ActionDialog from "../../components/ActionDialog";
import {
  ErrorAlert,
  Field,
  JsonView,
  Money,
  PageHeader,
  StatusChip,
  timestamp,
} from "../../components/common";
import ResourceList from "../../components/ResourceList";
import ResourcePage, { send } from "../../components/ResourcePage";
import { useUrlState } from "../../hooks/useUrlState";
import { usePaymentEvents } from "../../live/useObjectEvents";
import NotFoundPage from "../NotFoundPage";
import {
  FREEZE_FIELDS,
  topUpFields,
  TRANSFER_ACTIONS,
  TRANSFER_COLUMNS,
  transferCreate,
  type PaymentMethod,
  type Transfer,
} from "./parts";

type S = components["schemas"];
export type Wallet = S["Wallet"];
type WalletTransaction = S["WalletTransaction"];

/** A transaction's signed change, "+$10.50" / "−$2.00" (the API's natural sign). */
function Signed({ amount, currency }: { amount: number; currency: string }) {
  if (!amount) return <span>—</span>;
  return (
    <Box component="span" sx={{ color: amount < 0 ? "error.dark" : undefined }}>
      {amount < 0 ? "−" : "+"}
      <Money amount={Math.abs(amount)} currency={currency} />
    </Box>
  );
}

function referenceLink(reference: string) {
  if (reference.startsWith("pay_")) return <Link to={`/payments/${reference}`}>{reference}</Link>;
  if (reference.startsWith("wal_")) return <Link to={`/wallets/${reference}`}>{reference}</Link>;
  return reference || "—";
}

export default function WalletDetailPage() {
  const { id = "" } = useParams();
  const auth = useAuth();
  const url = useUrlState();
  const [toppedUp, setToppedUp] = useState<{
    id: string;
    object: string;
    amount?: number;
    status?: string;
  } | null>(null);
  const tab = url.values.tab ?? "transactions";
  const dialog = url.values.dialog;
  const transactionsPath = `/wallets/${id}/transactions`;
  const refresh = [["/wallets"], [transactionsPath], ["/transfers"], ["/balance"], ["/payments"]];

  const wallet = useQuery({
    queryKey: ["/wallets", id],
    queryFn: () => apiJson<Wallet>(`/wallets/${id}`),
  });
  const customer = wallet.data?.customer ?? null;
  const canWrite = auth.can("wallets:write");
  const methods = useQuery({
    queryKey: ["/payment_methods", { customer }],
    queryFn: () => fetchPage<PaymentMethod>("/payment_methods", { customer, limit: 100 }),
    enabled: Boolean(customer) && canWrite,
  });
  usePaymentEvents((object) => object.wallet === id, refresh);

  if (wallet.error instanceof ApiError && wallet.error.status === 404) return <NotFoundPage />;
  if (!wallet.data) return <ErrorAlert error={wallet.error} />;
  const w = wallet.data;
  const open = (name: string | null) => url.set({ dialog: name });

  return (
    <Box>
      <PageHeader
        title={`Wallet ${w.id}`}
        actions={
          canWrite && (
            <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap" }}>
              {w.status === "active" && (
                <Button variant="contained" onClick={() => open("topup")} sx={{ minHeight: 44 }}>
                  Top up
                </Button>
              )}
              {w.status === "active" && (
                <Button
                  variant="outlined"
                  color="error"
                  onClick={() => open("freeze")}
                  sx={{ minHeight: 44 }}
                >
                  Freeze
                </Button>
              )}
              {w.status === "frozen" && (
                <Button variant="outlined" onClick={() => open("unfreeze")} sx={{ minHeight: 44 }}>
                  Unfreeze
                </Button>
              )}
            </Stack>
          )
        }
      />
      {toppedUp && (
        <Alert
          severity={toppedUp.object === "agent_approval" ? "info" : "success"}
          sx={{ mb: 2 }}
          data-testid="topup-result"
          onClose={() => setToppedUp(null)}
        >
          {toppedUp.object === "agent_approval" ? (
            <>
              The top-up waits for approval:{" "}
              <Link to="/agents/approvals?status=pending">{toppedUp.id}</Link>
            </>
          ) : (
            <>
              Topped up <Money amount={toppedUp.amount} currency={w.currency} /> by payment{" "}
              <Link to={`/payments/${toppedUp.id}`}>{toppedUp.id}</Link> ({toppedUp.status})
            </>
          )}
        </Alert>
      )}
      <Box
        sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", md: "1fr 1fr" }, mb: 2 }}
      >
        <Card variant="outlined">
          <CardContent>
            <Typography variant="h4" component="p" data-testid="wallet-available">
              <Money amount={w.balance.available} currency={w.currency} />
            </Typography>
            <Typography color="text.secondary" sx={{ mb: 1 }}>
              available
            </Typography>
            <StatusChip status={w.status} />
            <Field label="Pending">
              <span data-testid="wallet-pending">
                <Money amount={w.balance.pending} currency={w.currency} />
              </span>
            </Field>
            <Field label="Currency">{w.currency.toUpperCase()}</Field>
          </CardContent>
        </Card>
        <Card variant="outlined">
          <CardContent>
            <Field label="Customer">
              {customer ? <Link to={`/customers/${customer}`}>{customer}</Link> : "—"}
            </Field>
            <Field label="Ledger account">{w.ledger_account}</Field>
            <Field label="Created (UTC)">{timestamp(w.created)}</Field>
          </CardContent>
        </Card>
      </Box>
      <Tabs
        value={tab}
        onChange={(_, value: string) => url.set({ tab: value })}
        variant="scrollable"
        allowScrollButtonsMobile
        aria-label="Wallet details"
      >
        <Tab value="transactions" label="Transactions" />
        <Tab value="transfers" label="Transfers & holds" />
        <Tab value="json" label="Raw JSON" />
      </Tabs>
      <Box sx={{ pt: 2 }}>
        {tab === "transactions" && (
          <ResourceList<WalletTransaction>
            path={transactionsPath}
            columns={[
              {
                field: "amount",
                header: "Amount",
                render: (row) => <Signed amount={row.amount} currency={w.currency} />,
              },
              {
                field: "hold_amount",
                header: "Held",
                render: (row) => <Signed amount={row.hold_amount} currency={w.currency} />,
              },
              { field: "kind", header: "Kind" },
              { field: "description", header: "Description" },
              {
                field: "reference",
                header: "Reference",
                width: 230,
                render: (row) => referenceLink(row.reference),
              },
              {
                field: "created",
                header: "Created (UTC)",
                render: (row) => timestamp(row.created),
              },
            ]}
          />
        )}
        {tab === "transfers" && (
          <ResourcePage<Transfer>
            title="Transfers & holds"
            heading="h2"
            path="/transfers"
            params={{ wallet: id }}
            columns={TRANSFER_COLUMNS}
            create={w.status === "active" ? transferCreate(id, w.currency) : undefined}
            actions={TRANSFER_ACTIONS}
            invalidate={refresh}
          />
        )}
        {tab === "json" && <JsonView value={w} />}
      </Box>
      {canWrite && (
        <>
          <ActionDialog
            // Opened once the customer's cards are read, and remounted then: the form's defaults
            // (the first card) are taken when it mounts.
            key={methods.data ? "cards" : "no-cards"}
            open={dialog === "topup" && (!customer || methods.isFetched)}
            title={`Top up ${id}`}
            submitLabel="Top up"
            fields={topUpFields(w.currency, methods.data?.data)}
            onClose={() => open(null)}
            submit={(values, key) => send("POST", `/wallets/${id}/top_ups`, values, key)}
            invalidate={refresh}
            onDone={(result) => setToppedUp(result as typeof toppedUp)}
          />
          <ActionDialog
            open={dialog === "freeze"}
            title={`Freeze ${id}`}
            submitLabel="Freeze"
            danger
            fields={FREEZE_FIELDS}
            onClose={() => open(null)}
            submit={(values, key) => send("POST", `/wallets/${id}/freeze`, values, key)}
            invalidate={refresh}
          />
          <ActionDialog
            open={dialog === "unfreeze"}
            title={`Unfreeze ${id}`}
            submitLabel="Unfreeze"
            fields={FREEZE_FIELDS}
            onClose={() => open(null)}
            submit={(values, key) => send("POST", `/wallets/${id}/unfreeze`, values, key)}
            invalidate={refresh}
          />
        </>
      )}
    </Box>
  );
}
