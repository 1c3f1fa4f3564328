/** Pieces of the billing pages: invoices and price labels, the detail pages'
 * header buttons, cards, URL-held tabs and action dialogs. */
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
import type { ReactNode } from "react";
import { Link } from "react-router";

import ActionDialog, { type ActionField } from "../../components/ActionDialog";
import { Money, StatusChip, timestamp } from "../../components/common";
import { send } from "../../components/ResourcePage";
import { useUrlState } from "../../hooks/useUrlState";
import { BILLING_KEYS } from "./live";
import { intervalLabel } from "./proration";
import type { Invoice, Price } from "./types";

export function InvoicesTable({ invoices }: { invoices: Invoice[] }) {
  if (!invoices.length) return <Typography color="text.secondary">No invoices yet.</Typography>;
  return (
    <Box sx={{ overflowX: "auto" }}>
      <Table size="small" data-testid="subscription-invoices">
        <TableHead>
          <TableRow>
            <TableCell>Invoice</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Period (UTC)</TableCell>
            <TableCell>Status</TableCell>
            <TableCell align="right">Total</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {invoices.map((invoice) => (
            <TableRow key={invoice.id} data-reason={invoice.billing_reason}>
              <TableCell>
                <Link to={`/billing/invoices/${invoice.id}`}>{invoice.number ?? invoice.id}</Link>
              </TableCell>
              <TableCell>{invoice.billing_reason.replace(/_/g, " ")}</TableCell>
              <TableCell>
                {timestamp(invoice.period_start).slice(0, 10)} →{" "}
                {timestamp(invoice.period_end).slice(0, 10)}
              </TableCell>
              <TableCell>
                <StatusChip status={invoice.status} />
              </TableCell>
              <TableCell align="right">
                <Money amount={invoice.total} currency={invoice.currency} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** "$15.00 / month" for a price. */
export function PriceLabel({ price, quantity }: { price: Price; quantity?: number }) {
  return (
    <span>
      {quantity && quantity > 1 ? `${quantity} × ` : ""}
      <Money amount={price.unit_amount} currency={price.currency} /> /{" "}
      {intervalLabel(price.recurring)}
    </span>
  );
}

export interface DetailAction {
  /** The `?dialog=` value it opens. */
  name: string;
  label: string;
  show: boolean;
  variant?: "contained" | "outlined";
  color?: "primary" | "error" | "warning";
}

/** A detail page's header buttons: each opens its dialog (held in the URL). */
export function ActionButtons({
  actions,
  open,
}: {
  actions: DetailAction[];
  open: (name: string) => void;
}) {
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap" }}>
      {actions
        .filter((action) => action.show)
        .map((action) => (
          <Button
            key={action.name}
            variant={action.variant ?? "outlined"}
            color={action.color ?? "primary"}
            onClick={() => open(action.name)}
            sx={{ minHeight: 44 }}
          >
            {action.label}
          </Button>
        ))}
    </Stack>
  );
}

/** Two summary cards side by side (stacked on phones). */
export function DetailCards({ left, right }: { left: ReactNode; right: ReactNode }) {
  return (
    <Box sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", md: "1fr 1fr" }, mb: 2 }}>
      <Card variant="outlined">
        <CardContent>{left}</CardContent>
      </Card>
      <Card variant="outlined">
        <CardContent>{right}</CardContent>
      </Card>
    </Box>
  );
}

/** Tabs held in the URL (`?tab=`), and the selected tab's content below. */
export function DetailTabs({
  label,
  tabs,
  children,
}: {
  label: string;
  tabs: Record<string, string>;
  children: (tab: string) => ReactNode;
}) {
  const url = useUrlState();
  const tab = url.values.tab ?? Object.keys(tabs)[0] ?? "";
  return (
    <>
      <Tabs
        value={tab}
        onChange={(_, value: string) => url.set({ tab: value })}
        variant="scrollable"
        allowScrollButtonsMobile
        aria-label={label}
      >
        {Object.entries(tabs).map(([value, text]) => (
          <Tab key={value} value={value} label={text} />
        ))}
      </Tabs>
      <Box sx={{ pt: 2 }}>{children(tab)}</Box>
    </>
  );
}

/** A POST action's dialog, open while `?dialog=<name>`; refreshes the billing queries after. */
export function PostDialog(props: {
  name: string;
  title: string;
  label: string;
  path: string;
  fields?: ActionField[];
  body?: (values: Record<string, string | number | undefined>) => unknown;
  danger?: boolean;
}) {
  const url = useUrlState();
  const { name, title, label, path, fields = [], body, danger } = props;
  return (
    <ActionDialog
      open={url.values.dialog === name}
      title={title}
      submitLabel={label}
      danger={danger}
      fields={fields}
      onClose={() => url.set({ dialog: null })}
      submit={(values, key) => send("POST", path, body ? body(values) : values, key)}
      invalidate={[...BILLING_KEYS, ["/invoices", "upcoming"], ["/payments"]]}
    />
  );
}
