import Button from "@mui/material/Button";
import { useNavigate } from "react-router";

import type { Payment } from "../../api/types";
import { Money, PageHeader, StatusChip, timestamp } from "../../components/common";
import ResourceList from "../../components/ResourceList";

export const PAYMENT_STATUSES = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
  "processing",
  "requires_capture",
  "succeeded",
  "canceled",
];

/** Payments: status, customer and date filters and the cursor in the URL; rows open the detail. */
export default function PaymentsPage() {
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="Payments" actions={<Button onClick={() => navigate("/developers/events?type=payment.*")}>Payment events</Button>} />
      <ResourceList<Payment>
        path="/payments"
        filters={[
          { name: "status", label: "Status", options: PAYMENT_STATUSES },
          { name: "customer", label: "Customer id" },
          { name: "date", label: "Created on", type: "date" },
        ]}
        rowLink={(row) => `/payments/${row.id}`}
        columns={[
          { field: "amount", header: "Amount", render: (row) => <Money amount={row.amount} currency={row.currency} /> },
          { field: "status", header: "Status", render: (row) => <StatusChip status={row.status} /> },
          { field: "id", header: "ID", width: 240 },
          { field: "customer", header: "Customer", render: (row) => row.customer ?? "—" },
          { field: "created", header: "Created (UTC)", render: (row) => timestamp(row.created) },
        ]}
      />
    </>
  );
}
