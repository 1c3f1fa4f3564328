/** Webhook endpoints (create, rotate secret), their deliveries and retry. */
import Alert from "@mui/material/Alert";
import { useState } from "react";
import { useParams } from "react-router";

import { StatusChip, timestamp } from "../../components/common";
import ResourcePage from "../../components/ResourcePage";

type Row = { id: string } & Record<string, unknown>;

export default function WebhooksPage() {
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <ResourcePage<Row>
      title="Webhooks"
      path="/webhook_endpoints"
      rowLink={(row) => `/settings/webhooks/${row.id}`}
      columns={[
        { field: "url", header: "URL", width: 320 },
        {
          field: "status",
          header: "Status",
          render: (row) => <StatusChip status={row.status as string} />,
        },
        {
          field: "enabled_events",
          header: "Events",
          render: (row) => (row.enabled_events as string[]).join(" "),
        },
      ]}
      create={{
        name: "create",
        label: "Add endpoint",
        scope: "webhooks:write",
        path: "/webhook_endpoints",
        fields: [
          { name: "url", label: "URL", required: true },
          { name: "enabled_events", label: "Events (space separated)", defaultValue: "*" },
          { name: "description", label: "Description" },
        ],
        body: (values) => ({
          ...values,
          enabled_events: String(values.enabled_events ?? "*")
            .split(/\s+/)
            .filter(Boolean),
        }),
        onDone: (result) => setSecret(String((result as { secret?: string }).secret ?? "")),
      }}
      actions={[
        {
          name: "rotate",
          label: "Rotate secret",
          scope: "webhooks:write",
          path: (row) => `/webhook_endpoints/${row.id}/rotate_secret`,
          onDone: (result) => setSecret(String((result as { secret?: string }).secret ?? "")),
        },
      ]}
    >
      {secret && (
        <Alert
          severity="success"
          onClose={() => setSecret(null)}
          sx={{ mb: 2 }}
          data-testid="webhook-secret"
        >
          Signing secret (shown once): <code>{secret}</code>
        </Alert>
      )}
    </ResourcePage>
  );
}

export function WebhookDeliveriesPage() {
  const { id = "" } = useParams();
  return (
    <ResourcePage<Row>
      title={`Deliveries of ${id}`}
      path={`/webhook_endpoints/${id}/deliveries`}
      columns={[
        { field: "event_type", header: "Event" },
        {
          field: "status",
          header: "Status",
          render: (row) => <StatusChip status={row.status as string} />,
        },
        { field: "attempt_count", header: "Attempts" },
        { field: "created", header: "Created (UTC)", render: (row) => timestamp(row.created) },
      ]}
      actions={[
        {
          name: "retry",
          label: "Retry",
          scope: "webhooks:write",
          show: (row) => row.status === "failed",
          path: (row) => `/webhook_deliveries/${row.id}/retry`,
        },
      ]}
    />
  );
}
