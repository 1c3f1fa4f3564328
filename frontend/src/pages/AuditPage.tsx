/** The audit log (hash chain) with a "verify chain" button. */
import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import { useState } from "react";

import { apiJson } from "../api/client";
import { ErrorAlert, timestamp } from "../components/common";
import ResourcePage from "../components/ResourcePage";

type Row = { id: string } & Record<string, unknown>;
interface Verification {
  ok: boolean;
  checked: number;
  first_broken_id: string | null;
  reason: string | null;
}

export default function AuditPage() {
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const verify = async () => {
    setError(null);
    try {
      setResult(await apiJson<Verification>("/compliance/audit_log/verify"));
    } catch (exc) {
      setError(exc);
    }
  };
  return (
    <ResourcePage<Row>
      title="Audit log"
      path="/compliance/audit_log"
      headerExtra={
        <Button variant="outlined" onClick={verify} sx={{ minHeight: 44 }}>
          Verify chain
        </Button>
      }
      columns={[
        { field: "action", header: "Action" },
        { field: "actor", header: "Actor", render: (row) => JSON.stringify(row.actor) },
        { field: "object_id", header: "Object", width: 220 },
        { field: "created", header: "When (UTC)", render: (row) => timestamp(row.created) },
      ]}
    >
      <ErrorAlert error={error} />
      {result && (
        <Alert severity={result.ok ? "success" : "error"} sx={{ mb: 2 }} data-testid="chain-result">
          {result.ok
            ? `Chain intact: ${result.checked} entries checked.`
            : `Chain broken at ${result.first_broken_id}: ${result.reason}`}
        </Alert>
      )}
    </ResourcePage>
  );
}
