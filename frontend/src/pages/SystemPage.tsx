/** System (platform staff): status of the services and queues, dead letters and replay. */
import { useQuery } from "@tanstack/react-query";

import { apiJson } from "../api/client";
import { ErrorAlert, JsonView, timestamp } from "../components/common";
import ResourcePage from "../components/ResourcePage";

type Row = { id: string } & Record<string, unknown>;

export default function SystemPage() {
  const status = useQuery({
    queryKey: ["/system/status"],
    queryFn: () => apiJson<Record<string, unknown>>("/system/status"),
    refetchInterval: 15000,
  });
  return (
    <ResourcePage<Row>
      title="System"
      path="/system/dead_letters"
      filters={[{ name: "status", label: "Status", options: ["dead", "replayed"] }]}
      columns={[
        { field: "queue", header: "Queue" },
        { field: "event_type", header: "Event" },
        { field: "error", header: "Error", width: 280 },
        { field: "status", header: "Status" },
        { field: "created", header: "Created (UTC)", render: (row) => timestamp(row.created) },
      ]}
      create={{
        name: "replay",
        label: "Replay dead letters",
        admin: true,
        path: "/system/dead_letters/replay",
        fields: [{ name: "queue", label: "Queue (empty: all)" }],
      }}
    >
      <ErrorAlert error={status.error} />
      {status.data && <JsonView value={status.data} label="System status" />}
    </ResourcePage>
  );
}

export function EventDetailPage({ id }: { id: string }) {
  const event = useQuery({
    queryKey: ["/events", "one", id],
    queryFn: () => apiJson<Record<string, unknown>>(`/events/${id}`),
  });
  return (
    <>
      <ErrorAlert error={event.error} />
      {event.data && <JsonView value={event.data} label={`Event ${id}`} />}
    </>
  );
}
