/**
 * One invoice: amounts (subtotal, discount, total, balance applied, due, paid, remaining), status
 * and its transitions, lines (`GET /invoices/{id}/lines`), raw JSON. Actions (hidden without
 * `billing:write`), dialogs held in the URL as `?dialog=`: finalize a draft; pay, void or mark
 * uncollectible per BILLING.md §4.
 */
import Box from "@mui/material/Box";
import Typography from "@mui/material/Typography";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";

import { apiJson } from "../../api/client";
import { ApiError } from "../../api/errors";
import { fetchPage } from "../../api/lists";
import { useAuth } from "../../auth/AuthProvider";
import {
  ErrorAlert,
  Field,
  JsonView,
  Money,
  PageHeader,
  StatusChip,
  timestamp,
} from "../../components/common";
import { useUrlState } from "../../hooks/useUrlState";
import NotFoundPage from "../NotFoundPage";
import { LinesTable } from "./LinesTable";
import { useBillingLive } from "./live";
import { ActionButtons, DetailCards, DetailTabs, PostDialog } from "./parts";
import type { Invoice, InvoiceLine } from "./types";

const PAYABLE = new Set(["open", "uncollectible"]);

export default function InvoiceDetailPage() {
  useBillingLive();
  const { id = "" } = useParams();
  const auth = useAuth();
  const url = useUrlState();
  const invoice = useQuery({
    queryKey: ["/invoices", id],
    queryFn: () => apiJson<Invoice>(`/invoices/${id}`),
  });
  const lines = useQuery({
    queryKey: ["/invoices", id, "lines"],
    queryFn: () => fetchPage<InvoiceLine>(`/invoices/${id}/lines`, { limit: 100 }),
  });

  if (invoice.error instanceof ApiError && invoice.error.status === 404) return <NotFoundPage />;
  if (!invoice.data) return <ErrorAlert error={invoice.error} />;
  const inv = invoice.data;
  const name = inv.number ?? inv.id;
  const money = (amount: number | null) => <Money amount={amount} currency={inv.currency} />;

  return (
    <Box>
      <PageHeader
        title={`Invoice ${name}`}
        actions={
          auth.can("billing:write") && (
            <ActionButtons
              open={(dialog) => url.set({ dialog })}
              actions={[
                {
                  name: "finalize",
                  label: "Finalize",
                  show: inv.status === "draft",
                  variant: "contained",
                },
                { name: "pay", label: "Pay", show: PAYABLE.has(inv.status), variant: "contained" },
                {
                  name: "mark_uncollectible",
                  label: "Mark uncollectible",
                  show: inv.status === "open",
                  color: "warning",
                },
                { name: "void", label: "Void", show: PAYABLE.has(inv.status), color: "error" },
              ]}
            />
          )
        }
      />
      <DetailCards
        left={
          <>
            <Typography variant="h4" component="p" data-testid="invoice-total">
              {money(inv.total)}
            </Typography>
            <span data-testid="invoice-status">
              <StatusChip status={inv.status} />
            </span>
            <Field label="Subtotal">{money(inv.subtotal)}</Field>
            <Field label="Discount">{money(-inv.total_discount_amount)}</Field>
            <Field label="Balance applied">{money(inv.starting_balance)}</Field>
            <Field label="Amount due">
              <span data-testid="invoice-amount-due">{money(inv.amount_due)}</span>
            </Field>
            <Field label="Amount paid">
              <span data-testid="invoice-amount-paid">{money(inv.amount_paid)}</span>
            </Field>
            <Field label="Amount remaining">{money(inv.amount_remaining)}</Field>
          </>
        }
        right={
          <>
            <Field label="Reason">{inv.billing_reason.replace(/_/g, " ")}</Field>
            <Field label="Customer">{inv.customer}</Field>
            <Field label="Subscription">
              {inv.subscription ? (
                <Link to={`/billing/subscriptions/${inv.subscription}`}>{inv.subscription}</Link>
              ) : (
                "—"
              )}
            </Field>
            <Field label="Period (UTC)">
              {timestamp(inv.period_start)} → {timestamp(inv.period_end)}
            </Field>
            <Field label="Payment">
              {inv.payment ? (
                <Link to={`/payments/${inv.payment}`}>{inv.payment}</Link>
              ) : inv.paid_out_of_band ? (
                "out of band"
              ) : (
                "—"
              )}
            </Field>
            <Field label="Attempts">{inv.attempt_count}</Field>
            {inv.next_payment_attempt && (
              <Field label="Next attempt (UTC)">{timestamp(inv.next_payment_attempt)}</Field>
            )}
            {inv.due_date && <Field label="Due (UTC)">{timestamp(inv.due_date)}</Field>}
            {Object.entries(inv.status_transitions)
              .filter(([, at]) => at)
              .map(([transition, at]) => (
                <Field key={transition} label={`${transition.replace(/_/g, " ")} (UTC)`}>
                  {timestamp(at)}
                </Field>
              ))}
          </>
        }
      />
      <DetailTabs label="Invoice details" tabs={{ lines: "Lines", json: "Raw JSON" }}>
        {(tab) =>
          tab === "json" ? (
            <JsonView value={inv} />
          ) : (
            <LinesTable lines={lines.data?.data ?? []} currency={inv.currency} />
          )
        }
      </DetailTabs>
      <PostDialog
        name="finalize"
        title={`Finalize ${name}`}
        label="Finalize"
        path={`/invoices/${id}/finalize`}
        body={() => ({})}
      />
      <PostDialog
        name="void"
        title={`Void ${name}`}
        label="Void"
        danger
        path={`/invoices/${id}/void`}
        body={() => ({})}
      />
      <PostDialog
        name="mark_uncollectible"
        title={`Mark ${name} uncollectible`}
        label="Mark uncollectible"
        danger
        path={`/invoices/${id}/mark_uncollectible`}
        body={() => ({})}
      />
      <PostDialog
        name="pay"
        title={`Pay ${name}`}
        label="Pay"
        path={`/invoices/${id}/pay`}
        fields={[
          {
            name: "payment_method",
            label: "Payment method id",
            helperText: "pm_… or wal_…; empty: the subscription's default method.",
          },
          {
            name: "paid_out_of_band",
            label: "Paid out of band",
            kind: "select",
            options: ["false", "true"],
            defaultValue: "false",
          },
        ]}
        body={(values) => ({
          payment_method: values.payment_method,
          paid_out_of_band: values.paid_out_of_band === "true",
        })}
      />
    </Box>
  );
}
