/**
 * One payment: amounts, risk, status; capture / cancel / refund dialogs (hidden from roles without
 * the scope); the event timeline, refunds, disputes, ledger postings and the raw JSON.
 */
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Stack from "@mui/material/Stack";
import Tab from "@mui/material/Tab";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Tabs from "@mui/material/Tabs";
import Typography from "@mui/material/Typography";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";

import { apiJson } from "../../api/client";
import { ApiError } from "../../api/errors";
import { fetchPage } from "../../api/lists";
import type { Event, Payment, Refund } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import ActionDialog from "../../components/ActionDialog";
import {
  ErrorAlert,
  Field as Row,
  JsonView,
  Money,
  PageHeader,
  StatusChip,
  timestamp,
} from "../../components/common";
import { useUrlState } from "../../hooks/useUrlState";
import NotFoundPage from "../NotFoundPage";

interface Posting {
  account: string;
  amount: number;
  currency: string;
  type: string;
}
interface Entry {
  id: string;
  kind: string;
  description: string;
  created: string;
  postings: Posting[];
}

const CAPTURABLE = new Set(["requires_capture"]);
const CANCELABLE = new Set([
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
  "requires_capture",
]);

function post(path: string, body: unknown, key: string) {
  return apiJson(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Idempotency-Key": key },
  });
}

export default function PaymentDetailPage() {
  const { id = "" } = useParams();
  const auth = useAuth();
  const url = useUrlState();
  const dialog = url.values.dialog;
  const tab = url.values.tab ?? "timeline";
  const key = ["/payments", id];
  const payment = useQuery({ queryKey: key, queryFn: () => apiJson<Payment>(`/payments/${id}`) });
  const events = useQuery({
    queryKey: ["/events", id],
    queryFn: () => fetchPage<Event>("/events", { object: id, limit: 100 }),
    enabled: auth.can("events:read"),
  });
  const refunds = useQuery({
    queryKey: ["/refunds", id],
    queryFn: () => fetchPage<Refund>("/refunds", { payment: id, limit: 100 }),
  });
  const ledger = useQuery({
    queryKey: ["/ledger/entries", id],
    queryFn: () => fetchPage<Entry>("/ledger/entries", { reference: id, limit: 100 }),
    enabled: auth.can("wallets:read"),
  });

  if (payment.error instanceof ApiError && payment.error.status === 404) return <NotFoundPage />;
  if (!payment.data) return <ErrorAlert error={payment.error} />;
  const p = payment.data;
  const canWrite = auth.can("payments:write");
  const canRefund = auth.can("refunds:write") && p.amount_received - p.amount_refunded > 0;
  const openDialog = (name: string | null) => url.set({ dialog: name });
  const refresh = [key, ["/refunds", id], ["/events", id], ["/ledger/entries", id], ["/payments"]];

  return (
    <Box>
      <PageHeader
        title={`Payment ${p.id}`}
        actions={
          <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap" }}>
            {canWrite && CAPTURABLE.has(p.status) && (
              <Button
                variant="contained"
                onClick={() => openDialog("capture")}
                sx={{ minHeight: 44 }}
              >
                Capture
              </Button>
            )}
            {canWrite && CANCELABLE.has(p.status) && (
              <Button
                variant="outlined"
                color="error"
                onClick={() => openDialog("cancel")}
                sx={{ minHeight: 44 }}
              >
                Cancel
              </Button>
            )}
            {canRefund && (
              <Button
                variant="outlined"
                onClick={() => openDialog("refund")}
                sx={{ minHeight: 44 }}
              >
                Refund
              </Button>
            )}
          </Stack>
        }
      />
      <Box
        sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", md: "1fr 1fr" }, mb: 2 }}
      >
        <Card variant="outlined">
          <CardContent>
            <Typography variant="h4" component="p" data-testid="payment-amount">
              <Money amount={p.amount} currency={p.currency} />
            </Typography>
            <StatusChip status={p.status} />
            <Row label="Received">
              <Money amount={p.amount_received} currency={p.currency} />
            </Row>
            <Row label="Capturable">
              <Money amount={p.amount_capturable} currency={p.currency} />
            </Row>
            <Row label="Refunded">
              <span data-testid="payment-refunded">
                <Money amount={p.amount_refunded} currency={p.currency} />
              </span>
            </Row>
            <Row label="Fee">
              <Money amount={p.fee} currency={p.currency} />
            </Row>
            <Row label="Net">
              <Money amount={p.net} currency={p.currency} />
            </Row>
          </CardContent>
        </Card>
        <Card variant="outlined">
          <CardContent>
            <Row label="Customer">{p.customer ?? "—"}</Row>
            <Row label="Payment method">{p.payment_method ?? "—"}</Row>
            <Row label="Capture">{p.capture_method}</Row>
            <Row label="Created (UTC)">{timestamp(p.created)}</Row>
            <Row label="Risk">
              {p.risk
                ? `${String((p.risk as Record<string, unknown>).level ?? "")} (${String((p.risk as Record<string, unknown>).score ?? "")})`
                : "—"}
            </Row>
            {p.last_payment_error && (
              <Row label="Last error">
                <span data-testid="payment-error">
                  {String((p.last_payment_error as Record<string, unknown>).code)}:{" "}
                  {String((p.last_payment_error as Record<string, unknown>).message ?? "")}
                </span>
              </Row>
            )}
          </CardContent>
        </Card>
      </Box>
      <Tabs
        value={tab}
        onChange={(_, value: string) => url.set({ tab: value })}
        variant="scrollable"
        allowScrollButtonsMobile
        aria-label="Payment details"
      >
        <Tab value="timeline" label="Timeline" />
        <Tab value="refunds" label="Refunds" />
        <Tab value="ledger" label="Ledger" />
        <Tab value="json" label="Raw JSON" />
      </Tabs>
      <Box sx={{ pt: 2 }}>
        {tab === "timeline" && (
          <Box component="ol" sx={{ pl: 2 }} data-testid="timeline">
            {[...(events.data?.data ?? [])].reverse().map((event) => (
              <li key={event.id}>
                <Typography>
                  <strong>{event.type}</strong> · {timestamp(event.created)}
                </Typography>
              </li>
            ))}
            {!auth.can("events:read") && (
              <Typography color="text.secondary">Your role cannot read events.</Typography>
            )}
          </Box>
        )}
        {tab === "refunds" && (
          <Table size="small" data-testid="refunds">
            <TableHead>
              <TableRow>
                <TableCell>Refund</TableCell>
                <TableCell>Amount</TableCell>
                <TableCell>Status</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {refunds.data?.data.map((refund) => (
                <TableRow key={refund.id}>
                  <TableCell>{refund.id}</TableCell>
                  <TableCell>
                    <Money amount={refund.amount} currency={refund.currency} />
                  </TableCell>
                  <TableCell>
                    <StatusChip status={refund.status} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {tab === "ledger" && (
          <Box data-testid="ledger">
            {ledger.data?.data.map((entry) => (
              <Card key={entry.id} variant="outlined" sx={{ mb: 1 }}>
                <CardContent>
                  <Typography variant="subtitle2">
                    {entry.kind} · {entry.id} · {timestamp(entry.created)}
                  </Typography>
                  <Table size="small">
                    <TableBody>
                      {entry.postings.map((posting, index) => (
                        <TableRow key={index}>
                          <TableCell>{posting.account}</TableCell>
                          <TableCell>{posting.type}</TableCell>
                          <TableCell align="right">
                            {posting.amount > 0 ? (
                              <Money amount={posting.amount} currency={posting.currency} />
                            ) : (
                              ""
                            )}
                          </TableCell>
                          <TableCell align="right">
                            {posting.amount < 0 ? (
                              <Money amount={-posting.amount} currency={posting.currency} />
                            ) : (
                              ""
                            )}
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </CardContent>
              </Card>
            ))}
          </Box>
        )}
        {tab === "json" && <JsonView value={p} />}
      </Box>
      <ActionDialog
        open={dialog === "capture"}
        title="Capture payment"
        submitLabel="Capture"
        fields={[
          {
            name: "amount_to_capture",
            label: "Amount to capture",
            kind: "money",
            currency: p.currency,
            helperText: "Leave empty to capture everything.",
          },
        ]}
        onClose={() => openDialog(null)}
        submit={(values, k) => post(`/payments/${id}/capture`, values, k)}
        invalidate={refresh}
      />
      <ActionDialog
        open={dialog === "cancel"}
        title="Cancel payment"
        submitLabel="Cancel payment"
        danger
        fields={[
          {
            name: "cancellation_reason",
            label: "Reason",
            kind: "select",
            options: ["requested_by_customer", "duplicate", "fraudulent", "abandoned"],
          },
        ]}
        onClose={() => openDialog(null)}
        submit={(values, k) => post(`/payments/${id}/cancel`, values, k)}
        invalidate={refresh}
      />
      <ActionDialog
        open={dialog === "refund"}
        title="Refund payment"
        submitLabel="Refund"
        fields={[
          {
            name: "amount",
            label: "Amount",
            kind: "money",
            currency: p.currency,
            helperText: "Leave empty to refund what remains.",
          },
          {
            name: "reason",
            label: "Reason",
            kind: "select",
            options: ["requested_by_customer", "duplicate", "fraudulent"],
          },
        ]}
        onClose={() => openDialog(null)}
        submit={(values, k) => post("/refunds", { payment: id, ...values }, k)}
        invalidate={refresh}
      />
    </Box>
  );
}
