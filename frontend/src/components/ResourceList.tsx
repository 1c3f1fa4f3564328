/**
 * A cursor-paged list of one API resource, its filters, cursor and page held in the URL
 * (useUrlState): a table on desktop, cards on phones. Rows link to their detail page when
 * `rowLink` is given.
 */
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardActionArea from "@mui/material/CardActionArea";
import CardActions from "@mui/material/CardActions";
import CardContent from "@mui/material/CardContent";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import useMediaQuery from "@mui/material/useMediaQuery";
import { DataGrid, type GridColDef } from "@mui/x-data-grid";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useNavigate } from "react-router";

import { fetchPage } from "../api/lists";
import type { ListPage } from "../api/types";
import { CURSOR, useUrlState } from "../hooks/useUrlState";
import { ErrorAlert } from "./common";
import { PHONE_QUERY } from "./Layout";

export interface Column<T> {
  field: string;
  header: string;
  render?: (row: T) => ReactNode;
  width?: number;
}

export interface Filter {
  name: string;
  label: string;
  options?: string[];
  type?: "text" | "date";
}

export interface ResourceListProps<T extends { id: string }> {
  path: string;
  columns: Column<T>[];
  filters?: Filter[];
  rowLink?: (row: T) => string;
  title?: string;
  /** Filters translated to API query params (e.g. a date → created[gte]). */
  toParams?: (values: Record<string, string>) => Record<string, string | undefined>;
  pageSize?: number;
  queryKey?: string;
  /** Fixed query params (an object page's own list, e.g. `{wallet: "wal_…"}`); not in the URL. */
  params?: Record<string, string>;
  /** Poll while the page shows rows still changing (e.g. reports being generated). */
  refetchInterval?: (page: ListPage<T> | undefined) => number | false;
}

/** The column ResourcePage adds for row actions: on phones it sits below the card's link area. */
export const ACTIONS_FIELD = "__actions";

export const PAGE_SIZE = 20;

export function defaultParams(
  values: Record<string, string>,
  filters: Filter[],
): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  for (const filter of filters) {
    const value = values[filter.name];
    if (!value) continue;
    if (filter.type === "date") {
      params["created[gte]"] = `${value}T00:00:00Z`;
      params["created[lt]"] = new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000)
        .toISOString()
        .replace(".000", "");
    } else params[filter.name] = value;
  }
  return params;
}

export default function ResourceList<T extends { id: string }>(props: ResourceListProps<T>) {
  const {
    path,
    columns,
    filters = [],
    rowLink,
    toParams,
    pageSize = PAGE_SIZE,
    refetchInterval,
  } = props;
  const url = useUrlState();
  const phone = useMediaQuery(PHONE_QUERY);
  const navigate = useNavigate();
  const params = {
    ...(toParams ?? ((v) => defaultParams(v, filters)))(url.values),
    ...props.params,
    limit: String(pageSize),
    starting_after: url.values[CURSOR],
  };
  const query = useQuery({
    queryKey: [props.queryKey ?? path, params],
    queryFn: () => fetchPage<T>(path, params),
    refetchInterval: refetchInterval ? (q) => refetchInterval(q.state.data) : undefined,
  });
  const rows = query.data?.data ?? [];
  const dataColumns = columns.filter((column) => column.field !== ACTIONS_FIELD);
  const actionsColumn = columns.find((column) => column.field === ACTIONS_FIELD);

  const gridColumns: GridColDef[] = columns.map((column) => ({
    field: column.field,
    headerName: column.header,
    flex: column.width ? undefined : 1,
    width: column.width,
    minWidth: 110,
    sortable: false,
    renderCell: column.render ? ({ row }) => column.render!(row as T) : undefined,
  }));

  return (
    <Box>
      {filters.length > 0 && (
        <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ mb: 2 }} role="search">
          {filters.map((filter) => (
            <TextField
              key={filter.name}
              select={Boolean(filter.options)}
              type={filter.type === "date" ? "date" : "text"}
              size="small"
              label={filter.label}
              value={url.values[filter.name] ?? ""}
              onChange={(e) => url.set({ [filter.name]: e.target.value })}
              sx={{ minWidth: 160 }}
              slotProps={{
                inputLabel: { shrink: true },
                htmlInput: { "data-filter": filter.name },
              }}
            >
              {filter.options && <MenuItem value="">Any</MenuItem>}
              {filter.options?.map((option) => (
                <MenuItem key={option} value={option}>
                  {option.replace(/_/g, " ")}
                </MenuItem>
              ))}
            </TextField>
          ))}
        </Stack>
      )}
      <ErrorAlert error={query.error} />
      {phone ? (
        <Stack spacing={1} data-testid="list-cards">
          {rows.map((row) => {
            const fields = (
              <CardContent>
                {dataColumns.map((column) => (
                  <Box
                    key={column.field}
                    sx={{ display: "flex", justifyContent: "space-between", gap: 1 }}
                  >
                    <Typography variant="caption" color="text.secondary">
                      {column.header}
                    </Typography>
                    <Typography
                      variant="body2"
                      component="div"
                      sx={{ textAlign: "right", overflowWrap: "anywhere" }}
                    >
                      {column.render
                        ? column.render(row)
                        : String((row as Record<string, unknown>)[column.field] ?? "—")}
                    </Typography>
                  </Box>
                ))}
              </CardContent>
            );
            // The row's actions are buttons of their own: kept out of the card's link area
            // (a button inside a button is neither valid HTML nor reachable by keyboard).
            return (
              <Card key={row.id} variant="outlined">
                {rowLink ? (
                  <CardActionArea onClick={() => navigate(rowLink(row))} sx={{ minHeight: 44 }}>
                    {fields}
                  </CardActionArea>
                ) : (
                  fields
                )}
                {actionsColumn?.render && (
                  <CardActions sx={{ flexWrap: "wrap", pt: 0 }}>
                    {actionsColumn.render(row)}
                  </CardActions>
                )}
              </Card>
            );
          })}
          {!query.isLoading && rows.length === 0 && (
            <Typography color="text.secondary">Nothing here yet.</Typography>
          )}
        </Stack>
      ) : (
        <DataGrid
          rows={rows}
          columns={gridColumns}
          loading={query.isLoading}
          hideFooter
          autoHeight
          disableColumnMenu
          disableRowSelectionOnClick
          onRowClick={rowLink ? ({ row }) => navigate(rowLink(row as T)) : undefined}
          sx={{
            bgcolor: "background.paper",
            "& .MuiDataGrid-row": { cursor: rowLink ? "pointer" : "default" },
          }}
          localeText={{ noRowsLabel: "Nothing here yet." }}
        />
      )}
      <Stack direction="row" spacing={1} sx={{ mt: 2, justifyContent: "flex-end" }}>
        <Button onClick={url.previous} disabled={!url.hasPrevious} sx={{ minHeight: 44 }}>
          Previous
        </Button>
        <Button
          onClick={() => query.data?.next_cursor && url.next(query.data.next_cursor)}
          disabled={!query.data?.has_more}
          sx={{ minHeight: 44 }}
        >
          Next
        </Button>
      </Stack>
    </Box>
  );
}
