/** Agent approvals: pending agent calls with their dry run and verdict; approve or reject; live
 * (an `agent.approval_*` event on `/ws/alerts` refreshes the list). */
import { useQueryClient } from "@tanstack/react-query";

import { Money, StatusChip, timestamp } from "../components/common";
import ResourcePage from "../components/ResourcePage";
import { useStream } from "../live/useStream";
import { useAuth } from "../auth/AuthProvider";

type Row = { id: string } & Record<string, unknown>;

export default function ApprovalsPage() {
  const auth = useAuth();
  const queryClient = useQueryClient();
  useStream(
    "/ws/alerts",
    (message) => {
      const event = message.event as { type?: string } | undefined;
      if (message.type === "event" && event?.type?.startsWith("agent.approval")) {
        void queryClient.invalidateQueries({ queryKey: ["/agent_approvals"] });
      }
    },
    auth.can("risk:read") || auth.can("compliance:read"),
  );
  const decide = (name: "approve" | "reject") => ({
    name,
    label: name === "approve" ? "Approve" : "Reject",
    admin: true,
    danger: name === "reject",
    show: (row: Row) => row.status === "pending",
    fields: [{ name: "reason", label: "Reason" }],
    path: (row: Row) => `/agent_approvals/${row.id}/${name}`,
  });
  return (
    <ResourcePage<Row>
      title="Agent approvals"
      path="/agent_approvals"
      filters={[
        {
          name: "status",
          label: "Status",
          options: ["pending", "approved", "executed", "failed", "rejected", "expired"],
        },
      ]}
      columns={[
        { field: "tool", header: "Tool" },
        {
          field: "amount",
          header: "Amount",
          render: (row) => (
            <Money amount={row.amount as number} currency={row.currency as string} />
          ),
        },
        {
          field: "status",
          header: "Status",
          render: (row) => <StatusChip status={row.status as string} />,
        },
        { field: "api_key", header: "Caller", render: (row) => String(row.api_key ?? "assistant") },
        { field: "created", header: "Requested (UTC)", render: (row) => timestamp(row.created) },
      ]}
      actions={[decide("approve"), decide("reject")]}
    />
  );
}
