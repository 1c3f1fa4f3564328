/**
 * Wallet forms and transfers, shared by the wallets and transfers lists and a wallet's page: the
 * top-up and freeze forms; the transfer columns (the wallets linked to their pages), the "new
 * transfer" form (the amount typed as a decimal and parsed into minor units in the chosen
 * currency; a hold is a pending transfer) and the row actions on a pending hold: post (all, or
 * part of it) and void.
 */
import { Link } from "react-router";

import type { components } from "../../api/schema";
import type { ActionField } from "../../components/ActionDialog";
import { Money, StatusChip, timestamp } from "../../components/common";
import type { Column } from "../../components/ResourceList";
import type { Action } from "../../components/ResourcePage";
import { parseMoney } from "../../money/money";

export type Transfer = components["schemas"]["Transfer"];
export type PaymentMethod = components["schemas"]["PaymentMethod"];
type Values = Record<string, string | number | undefined>;

/**
 * The top-up form: the amount typed as a decimal of the wallet's currency (parsed into minor
 * units by ActionDialog through src/money), the card to charge (the customer's attached cards
 * when there are any, else an id), an optional description.
 */
export function topUpFields(currency: string, methods: PaymentMethod[] = []): ActionField[] {
  const attached = methods.filter((method) => !method.detached);
  const card: ActionField = attached.length
    ? {
        name: "payment_method",
        label: "Card",
        kind: "select",
        required: true,
        options: attached.map((method) => method.id),
        optionLabels: Object.fromEntries(
          attached.map((method) => [
            method.id,
            `${method.card.brand} •••• ${method.card.last4} (${method.id})`,
          ]),
        ),
        defaultValue: attached[0]!.id,
      }
    : { name: "payment_method", label: "Payment method id", required: true };
  return [
    { name: "amount", label: "Amount", kind: "money", currency, required: true },
    card,
    { name: "description", label: "Description" },
  ];
}

export const FREEZE_FIELDS: ActionField[] = [{ name: "reason", label: "Reason" }];

const walletLink = (id: string | null | undefined) =>
  id ? (
    <Link to={`/wallets/${id}`} onClick={(event) => event.stopPropagation()}>
      {id}
    </Link>
  ) : (
    "—"
  );

export const TRANSFER_COLUMNS: Column<Transfer>[] = [
  {
    field: "amount",
    header: "Amount",
    render: (row) => <Money amount={row.amount} currency={row.currency} />,
  },
  {
    field: "amount_posted",
    header: "Posted",
    render: (row) => <Money amount={row.amount_posted} currency={row.currency} />,
  },
  { field: "status", header: "Status", render: (row) => <StatusChip status={row.status} /> },
  { field: "id", header: "ID", width: 230 },
  {
    field: "source_wallet",
    header: "From",
    width: 230,
    render: (row) => walletLink(row.source_wallet),
  },
  {
    field: "destination_wallet",
    header: "To",
    width: 230,
    render: (row) => walletLink(row.destination_wallet),
  },
  { field: "created", header: "Created (UTC)", render: (row) => timestamp(row.created) },
];

/**
 * The "new transfer" form. From a wallet's page `source` and `currency` are that wallet's and
 * prefilled. The amount is parsed in the form's currency (a MoneyParseError lands on the field).
 */
export function transferCreate(source = "", currency = "usd") {
  const fields: ActionField[] = [
    { name: "source_wallet", label: "From wallet", required: true, defaultValue: source },
    { name: "destination_wallet", label: "To wallet", required: true },
    { name: "currency", label: "Currency", defaultValue: currency, required: true },
    {
      name: "amount",
      label: "Amount",
      required: true,
      helperText: "A decimal in the currency, e.g. 10.50",
      kind: "text",
    },
    {
      name: "pending",
      label: "Hold (pending)",
      kind: "select",
      options: ["false", "true"],
      defaultValue: "false",
    },
  ];
  return {
    name: "create",
    label: "New transfer",
    scope: "transfers:write",
    path: "/transfers",
    fields,
    body: (values: Values) => transferBody(values),
  };
}

/** The POST /transfers body from the form: the amount in minor units, `pending` a boolean. */
export function transferBody(values: Values) {
  const currency = String(values.currency ?? "").toLowerCase();
  return {
    ...values,
    currency,
    amount: parseMoney(String(values.amount ?? ""), currency),
    pending: values.pending === "true",
  };
}

/** Post (the whole hold, or part of it) and void, on pending transfers. */
export const TRANSFER_ACTIONS: Action<Transfer>[] = [
  {
    name: "post",
    label: "Post",
    scope: "transfers:write",
    show: (row) => row.status === "pending",
    fields: (row) => [
      {
        name: "amount",
        label: "Amount (empty: all)",
        kind: "money",
        currency: row.currency ?? "usd",
      },
    ],
    path: (row) => `/transfers/${row.id}/post`,
  },
  {
    name: "void",
    label: "Void",
    scope: "transfers:write",
    danger: true,
    show: (row) => row.status === "pending",
    path: (row) => `/transfers/${row.id}/void`,
  },
];
