/** Team: members and roles; add (the first password is shown once), change a role, remove. */
import Alert from "@mui/material/Alert";
import { useState } from "react";

import type { TeamMember } from "../../api/types";
import { timestamp } from "../../components/common";
import ResourcePage from "../../components/ResourcePage";

export const ROLES = ["admin", "finance", "support", "compliance", "viewer"];

export default function TeamPage() {
  const [created, setCreated] = useState<{ username: string; password: string } | null>(null);
  return (
    <ResourcePage<TeamMember>
      title="Team"
      path="/team/members"
      columns={[
        { field: "username", header: "Username" },
        { field: "email", header: "Email" },
        { field: "role", header: "Role" },
        { field: "created", header: "Added (UTC)", render: (row) => timestamp(row.created) },
      ]}
      create={{
        name: "create",
        label: "Add member",
        admin: true,
        path: "/team/members",
        fields: [
          { name: "username", label: "Username", required: true },
          { name: "email", label: "Email" },
          { name: "role", label: "Role", kind: "select", options: ROLES, defaultValue: "viewer" },
        ],
        onDone: (result) => setCreated(result as { username: string; password: string }),
      }}
      actions={[
        {
          name: "role",
          label: "Change role",
          admin: true,
          fields: [
            { name: "role", label: "Role", kind: "select", options: ROLES, defaultValue: "viewer" },
          ],
          path: (row) => `/team/members/${row.id}`,
        },
        {
          name: "remove",
          label: "Remove",
          admin: true,
          danger: true,
          path: (row) => `/team/members/${row.id}`,
          body: () => ({ remove: true }),
        },
      ]}
    >
      {created && (
        <Alert
          severity="success"
          onClose={() => setCreated(null)}
          sx={{ mb: 2 }}
          data-testid="member-password"
        >
          {created.username}'s first password (shown once): <code>{created.password}</code>
        </Alert>
      )}
    </ResourcePage>
  );
}
