/**
 * A list page with actions: the ResourceList of one resource, a "create" action in the header and
 * per-row actions (each a dialog held in the URL as `dialog=<action>:<row id>`). Actions are hidden
 * when the user lacks their scope; the API's refusal is still shown if one is tried.
 */
import Button from "@mui/material/Button";
import Stack from "@mui/material/Stack";
import { useRef, type ReactNode } from "react";

import { apiJson } from "../api/client";
import { useAuth, type Auth } from "../auth/AuthProvider";
import { useUrlState } from "../hooks/useUrlState";
import ActionDialog, { type ActionField } from "./ActionDialog";
import { PageHeader } from "./common";
import ResourceList, {
  ACTIONS_FIELD,
  type Column,
  type Filter,
  type ResourceListProps,
} from "./ResourceList";

type Values = Record<string, string | number | undefined>;

export interface Action<T> {
  name: string;
  label: string;
  scope?: string;
  admin?: boolean;
  show?: (row: T) => boolean;
  fields?: ActionField[] | ((row: T) => ActionField[]);
  method?: "POST" | "DELETE";
  path: (row: T) => string;
  body?: (values: Values, row: T) => unknown;
  danger?: boolean;
  onDone?: (result: unknown) => void;
}

export interface ResourcePageProps<T extends { id: string }> {
  title: string;
  path: string;
  columns: Column<T>[];
  filters?: Filter[];
  rowLink?: (row: T) => string;
  create?: Omit<Action<Record<string, never>>, "path" | "show"> & { path: string };
  actions?: Action<T>[];
  children?: ReactNode;
  headerExtra?: ReactNode;
  pageSize?: number;
  /** "h2" when the list is a section of an object page (see PageHeader). */
  heading?: "h1" | "h2";
  /** Fixed query params of the list (not in the URL), e.g. `{wallet: "wal_…"}`. */
  params?: Record<string, string>;
  /** More query keys to refresh after an action (the object page around the list). */
  invalidate?: unknown[][];
  refetchInterval?: ResourceListProps<T>["refetchInterval"];
}

function allowed(auth: Auth, action: { scope?: string; admin?: boolean }): boolean {
  return (!action.scope || auth.can(action.scope)) && (!action.admin || auth.isAdmin);
}

export function send(method: "POST" | "DELETE", path: string, body: unknown, key: string) {
  return apiJson(path, {
    method,
    body: method === "POST" ? JSON.stringify(body ?? {}) : undefined,
    headers: method === "POST" ? { "Idempotency-Key": key } : {},
  });
}

export default function ResourcePage<T extends { id: string }>(props: ResourcePageProps<T>) {
  const { title, path, columns, filters, rowLink, create, actions = [], pageSize } = props;
  const refresh = [[path], ...(props.invalidate ?? [])];
  const auth = useAuth();
  const url = useUrlState();
  const [dialogName, dialogRow] = (url.values.dialog ?? "").split(":");
  const visibleActions = actions.filter((action) => allowed(auth, action));
  // Kept across renders: the list's cells fill it while rendering (after this component), so a
  // dialog opened on a row sees that row's values (an edit dialog's defaults) on the next render.
  const rows = useRef(new Map<string, T>()).current;
  const close = () => url.set({ dialog: null });

  const actionColumn: Column<T>[] = visibleActions.length
    ? [
        {
          field: ACTIONS_FIELD,
          header: "Actions",
          width: 220,
          render: (row) => {
            rows.set(row.id, row);
            return (
              <Stack direction="row" spacing={0.5} onClick={(e) => e.stopPropagation()}>
                {visibleActions
                  .filter((action) => !action.show || action.show(row))
                  .map((action) => (
                    <Button
                      key={action.name}
                      size="small"
                      color={action.danger ? "error" : "primary"}
                      onClick={() => url.set({ dialog: `${action.name}:${row.id}` })}
                      sx={{ minHeight: 36 }}
                    >
                      {action.label}
                    </Button>
                  ))}
              </Stack>
            );
          },
        },
      ]
    : [];

  const current = visibleActions.find((action) => action.name === dialogName);
  const currentRow = { id: dialogRow ?? "" } as T;
  const fields = current
    ? typeof current.fields === "function"
      ? current.fields(rows.get(dialogRow ?? "") ?? currentRow)
      : (current.fields ?? [])
    : [];

  return (
    <>
      <PageHeader
        title={title}
        heading={props.heading}
        actions={
          <>
            {props.headerExtra}
            {create && allowed(auth, create) && (
              <Button
                variant="contained"
                onClick={() => url.set({ dialog: "create" })}
                sx={{ minHeight: 44 }}
              >
                {create.label}
              </Button>
            )}
          </>
        }
      />
      {props.children}
      <ResourceList<T>
        path={path}
        columns={[...columns, ...actionColumn]}
        filters={filters}
        rowLink={rowLink}
        pageSize={pageSize}
        params={props.params}
        refetchInterval={props.refetchInterval}
      />
      {create && (
        <ActionDialog
          open={dialogName === "create"}
          title={create.label}
          submitLabel={create.label}
          fields={typeof create.fields === "function" ? [] : (create.fields ?? [])}
          onClose={close}
          submit={(values, key) =>
            send(
              create.method ?? "POST",
              create.path,
              create.body ? create.body(values, {}) : values,
              key,
            )
          }
          invalidate={refresh}
          onDone={create.onDone}
        />
      )}
      {current && (
        <ActionDialog
          open
          title={`${current.label} ${dialogRow}`}
          submitLabel={current.label}
          fields={fields}
          danger={current.danger}
          onClose={close}
          submit={(values, key) => {
            const row = rows.get(dialogRow ?? "") ?? currentRow;
            return send(
              current.method ?? "POST",
              current.path(row),
              current.body ? current.body(values, row) : values,
              key,
            );
          }}
          invalidate={refresh}
          onDone={current.onDone}
        />
      )}
    </>
  );
}
