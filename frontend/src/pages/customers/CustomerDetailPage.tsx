/**
 * One customer (`customers/:id`): contact details and balance; the customer's payment methods,
 * payments, wallets, subscriptions and invoices (each the first page of its list filtered by
 * `customer`, linked to the object and to the full list); erasure with typed confirmation
 * (`DELETE /customers/{id}`: personal data erased, payments and ledger entries kept). Another
 * merchant's id shows the 404 page.
 */
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Chip from "@mui/material/Chip";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";

import { apiJson } from "../../api/client";
import { ApiError } from "../../api/errors";
import { fetchPage } from "../../api/lists";
import type { components } from "../../api/schema";
import type { Payment } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import ActionDialog from "../../components/ActionDialog";
import {
  Field,
  ErrorAlert,
  Money,
  PageHeader,
  StatusChip,
  timestamp,
} from "../../components/common";
import { useUrlState } from "../../hooks/useUrlState";
import NotFoundPage from "../NotFoundPage";

type S = components["schemas"];
type Customer = S["Customer"];

const SECTION_SIZE = 10;

interface SectionColumn<T> {
  header: string;
  render: (row: T) => ReactNode;
}

/** The first page of `path?customer=<id>` as a small table, with a link to the whole list. */
function CustomerSection<T extends { id: string }>({
  title,
  path,
  customer,
  columns,
  rowLink,
  allLink,
}: {
  title: string;
  path: string;
  customer: string;
  columns: SectionColumn<T>[];
  rowLink?: (row: T) => string;
  allLink?: string;
}) {
  const list = useQuery({
    queryKey: [path, { customer }],
    queryFn: () => fetchPage<T>(path, { customer, limit: SECTION_SIZE }),
  });
  const rows = list.data?.data ?? [];
  return (
    <Card
      variant="outlined"
      component="section"
      aria-label={title}
      data-testid={`customer-${title.toLowerCase().replace(/ /g, "-")}`}
    >
      <CardContent>
        <Stack direction="row" sx={{ alignItems: "center", mb: 1 }}>
          <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
            {title}
          </Typography>
          {allLink && list.data?.has_more && (
            <Button component={Link} to={allLink} size="small" sx={{ minHeight: 44 }}>
              All {title.toLowerCase()}
            </Button>
          )}
        </Stack>
        <ErrorAlert error={list.error} />
        {list.isSuccess && rows.length === 0 && (
          <Typography color="text.secondary">None.</Typography>
        )}
        {rows.length > 0 && (
          <Box sx={{ overflowX: "auto" }}>
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>ID</TableCell>
                  {columns.map((column) => (
                    <TableCell key={column.header}>{column.header}</TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.map((row) => (
                  <TableRow key={row.id} data-id={row.id}>
                    <TableCell sx={{ overflowWrap: "anywhere" }}>
                      {rowLink ? <Link to={rowLink(row)}>{row.id}</Link> : row.id}
                    </TableCell>
                    {columns.map((column) => (
                      <TableCell key={column.header}>{column.render(row)}</TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
        )}
      </CardContent>
    </Card>
  );
}

export default function CustomerDetailPage() {
  const { id = "" } = useParams();
  const auth = useAuth();
  const url = useUrlState();
  const customer = useQuery({
    queryKey: ["/customers", id],
    queryFn: () => apiJson<Customer>(`/customers/${id}`),
  });

  if (customer.error instanceof ApiError && customer.error.status === 404) return <NotFoundPage />;
  const data = customer.data;
  const canErase = auth.can("customers:write") && data && !data.deleted;
  const balances = Object.entries(data?.balance ?? {}).filter(([, amount]) => amount !== 0);

  return (
    <>
      <PageHeader
        title={data ? (data.name ?? data.email ?? data.id) : id}
        actions={
          canErase && (
            <Button
              color="error"
              variant="outlined"
              onClick={() => url.set({ dialog: "erase" })}
              sx={{ minHeight: 44 }}
            >
              Erase
            </Button>
          )
        }
      />
      <ErrorAlert error={customer.error} />
      {data && (
        <Stack spacing={2}>
          <Card variant="outlined">
            <CardContent>
              {data.deleted && (
                <Chip label="erased" color="default" sx={{ mb: 1 }} data-testid="customer-erased" />
              )}
              <Field label="ID">{data.id}</Field>
              <Field label="Name">{data.name ?? "—"}</Field>
              <Field label="Email">{data.email ?? "—"}</Field>
              <Field label="Phone">{data.phone ?? "—"}</Field>
              <Field label="Created (UTC)">{timestamp(data.created)}</Field>
              <Field label="Balance">
                {balances.length
                  ? balances.map(([currency, amount]) => (
                      <div key={currency}>
                        <Money amount={amount} currency={currency} />
                      </div>
                    ))
                  : "—"}
              </Field>
            </CardContent>
          </Card>
          <CustomerSection<S["PaymentMethod"]>
            title="Payment methods"
            path="/payment_methods"
            customer={id}
            columns={[
              { header: "Card", render: (pm) => `${pm.card.brand} •••• ${pm.card.last4}` },
              {
                header: "Expires",
                render: (pm) => `${String(pm.card.exp_month).padStart(2, "0")}/${pm.card.exp_year}`,
              },
              { header: "Status", render: (pm) => (pm.detached ? "detached" : "attached") },
            ]}
          />
          {auth.can("payments:read") && (
            <CustomerSection<Payment>
              title="Payments"
              path="/payments"
              customer={id}
              rowLink={(payment) => `/payments/${payment.id}`}
              allLink={`/payments?customer=${id}`}
              columns={[
                {
                  header: "Amount",
                  render: (payment) => (
                    <Money amount={payment.amount} currency={payment.currency} />
                  ),
                },
                { header: "Status", render: (payment) => <StatusChip status={payment.status} /> },
                { header: "Created (UTC)", render: (payment) => timestamp(payment.created) },
              ]}
            />
          )}
          {auth.can("wallets:read") && (
            <CustomerSection<S["Wallet"]>
              title="Wallets"
              path="/wallets"
              customer={id}
              columns={[
                {
                  header: "Available",
                  render: (wallet) => (
                    <Money amount={wallet.balance.available} currency={wallet.currency} />
                  ),
                },
                {
                  header: "Pending",
                  render: (wallet) => (
                    <Money amount={wallet.balance.pending} currency={wallet.currency} />
                  ),
                },
                { header: "Status", render: (wallet) => <StatusChip status={wallet.status} /> },
              ]}
            />
          )}
          {auth.can("billing:read") && (
            <>
              <CustomerSection<S["Subscription"]>
                title="Subscriptions"
                path="/subscriptions"
                customer={id}
                rowLink={(subscription) => `/billing/subscriptions/${subscription.id}`}
                columns={[
                  {
                    header: "Status",
                    render: (subscription) => <StatusChip status={subscription.status} />,
                  },
                  {
                    header: "Current period ends (UTC)",
                    render: (subscription) => timestamp(subscription.current_period_end),
                  },
                ]}
              />
              <CustomerSection<S["Invoice"]>
                title="Invoices"
                path="/invoices"
                customer={id}
                rowLink={(invoice) => `/billing/invoices/${invoice.id}`}
                columns={[
                  {
                    header: "Total",
                    render: (invoice) => (
                      <Money amount={invoice.total} currency={invoice.currency} />
                    ),
                  },
                  {
                    header: "Due",
                    render: (invoice) => (
                      <Money amount={invoice.amount_remaining} currency={invoice.currency} />
                    ),
                  },
                  { header: "Status", render: (invoice) => <StatusChip status={invoice.status} /> },
                ]}
              />
            </>
          )}
        </Stack>
      )}
      {canErase && (
        <ActionDialog
          open={url.values.dialog === "erase"}
          title={`Erase ${id}`}
          submitLabel="Erase"
          danger
          fields={[
            {
              name: "confirm",
              label: `Type ${id} to confirm the erasure`,
              required: true,
              helperText: "Personal data is erased; payments and ledger entries stay.",
            },
          ]}
          onClose={() => url.set({ dialog: null })}
          submit={(values) => {
            if (values.confirm !== id)
              throw new ApiError(400, {
                type: "invalid_request_error",
                code: "confirmation_mismatch",
                message: `Type ${id} exactly to confirm.`,
                param: "confirm",
              });
            return apiJson(`/customers/${id}`, { method: "DELETE" });
          }}
          invalidate={[["/customers"]]}
        />
      )}
    </>
  );
}
