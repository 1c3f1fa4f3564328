import Button from "@mui/material/Button";
import { useNavigate } from "react-router";

import { apiJson } from "../../api/client";
import type { Payment } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import ActionDialog from "../../components/ActionDialog";
import { Money, PageHeader, StatusChip, timestamp } from "../../components/common";
import ResourceList from "../../components/ResourceList";
import { useUrlState } from "../../hooks/useUrlState";
import { CURRENCIES, parseMoney } from "../../money/money";

export const PAYMENT_STATUSES = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
  "processing",
  "requires_capture",
  "succeeded",
  "canceled",
];

export const SANDBOX_TOKENS = [
  "tok_visa",
  "tok_mastercard",
  "tok_chargeDeclined",
  "tok_chargeDeclinedInsufficientFunds",
  "tok_threeDSecureRequired",
  "tok_createDispute",
];

/** Create and confirm a payment with a sandbox card token: the payment method first, then the
 * payment (`confirm: true`); each POST has its own key derived from the action's key. */
export async function createPayment(
  values: Record<string, string | number | undefined>,
  key: string,
): Promise<Payment> {
  const currency = String(values.currency ?? "usd");
  const amount = parseMoney(String(values.amount ?? ""), currency);
  const method = await apiJson<{ id: string }>("/payment_methods", {
    method: "POST",
    body: JSON.stringify({ type: "card", card: { token: values.token } }),
    headers: { "Idempotency-Key": `${key}-pm` },
  });
  return apiJson<Payment>("/payments", {
    method: "POST",
    body: JSON.stringify({
      amount,
      currency,
      payment_method: method.id,
      capture_method: values.capture_method,
      confirm: true,
      description: values.description || undefined,
    }),
    headers: { "Idempotency-Key": key },
  });
}

/** Payments: status, customer and date filters and the cursor in the URL; rows open the detail. */
export default function PaymentsPage() {
  const navigate = useNavigate();
  const auth = useAuth();
  const url = useUrlState();
  const limit = Number.parseInt(url.values.limit ?? "", 10);
  return (
    <>
      <PageHeader
        title="Payments"
        actions={
          auth.can("payments:write") && (
            <Button
              variant="contained"
              onClick={() => url.set({ dialog: "new" })}
              sx={{ minHeight: 44 }}
            >
              New payment
            </Button>
          )
        }
      />
      <ResourceList<Payment>
        path="/payments"
        pageSize={limit > 0 && limit <= 100 ? limit : undefined}
        filters={[
          { name: "status", label: "Status", options: PAYMENT_STATUSES },
          { name: "customer", label: "Customer id" },
          { name: "date", label: "Created on", type: "date" },
        ]}
        rowLink={(row) => `/payments/${row.id}`}
        columns={[
          {
            field: "amount",
            header: "Amount",
            render: (row) => <Money amount={row.amount} currency={row.currency} />,
          },
          {
            field: "status",
            header: "Status",
            render: (row) => <StatusChip status={row.status} />,
          },
          { field: "id", header: "ID", width: 240 },
          { field: "customer", header: "Customer", render: (row) => row.customer ?? "—" },
          { field: "created", header: "Created (UTC)", render: (row) => timestamp(row.created) },
        ]}
      />
      <ActionDialog
        open={url.values.dialog === "new"}
        title="New payment (sandbox card)"
        submitLabel="Create payment"
        fields={[
          {
            name: "amount",
            label: "Amount",
            required: true,
            helperText: "e.g. 10.50 (in the currency below)",
          },
          {
            name: "currency",
            label: "Currency",
            kind: "select",
            options: [...CURRENCIES],
            defaultValue: "usd",
          },
          {
            name: "token",
            label: "Sandbox card",
            kind: "select",
            options: SANDBOX_TOKENS,
            defaultValue: "tok_visa",
          },
          {
            name: "capture_method",
            label: "Capture",
            kind: "select",
            options: ["automatic", "manual"],
            defaultValue: "automatic",
          },
          { name: "description", label: "Description" },
        ]}
        onClose={() => url.set({ dialog: null })}
        submit={createPayment}
        onDone={(payment) => navigate(`/payments/${(payment as Payment).id}`)}
        invalidate={[["/payments"]]}
      />
    </>
  );
}
