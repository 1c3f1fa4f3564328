/**
 * Report definitions (ANALYTICS.md §2) on the client: the builder's model, its conversion from
 * form strings, and validation with the server's rules (`analytics/reports/definition.py`), so
 * the builder shows the same refusal, under the same `param`, before anything is sent. The
 * whitelist itself is `catalog.json`, generated from the server by `scripts/frontend.sh codegen`
 * (and checked by `make lint`), so the two cannot drift.
 */
import catalogJson from "./catalog.json";

export type FieldKind = "text" | "time" | "int";

export interface SourceCatalog {
  time_field: string;
  metadata: boolean;
  fields: Record<string, FieldKind>;
  metrics: Record<string, boolean>;
}

export interface Catalog {
  sources: Record<string, SourceCatalog>;
  ops: string[];
  relative_ranges: string[];
  intervals: string[];
  max_limit: number;
  max_metadata_keys: number;
  /** What `/analytics/timeseries` accepts (the analytics pages' pickers). */
  timeseries: {
    metrics: string[];
    groupable_metrics: string[];
    group_by: string[];
    intervals: string[];
  };
}

export const CATALOG = catalogJson as Catalog;

export type FilterOp =
  "eq" | "neq" | "in" | "nin" | "gte" | "gt" | "lte" | "lt" | "between" | "is_null";
export type FilterValue = string | number | boolean | (string | number)[];

export interface ReportFilter {
  field: string;
  op: FilterOp;
  value: FilterValue;
}

export type DateRange =
  { type: "relative"; value: string } | { type: "absolute"; value: { from: string; to: string } };

export interface ReportDefinition {
  name: string;
  source: string;
  metrics: string[];
  dimensions: string[];
  filters: ReportFilter[];
  date_range?: DateRange | null;
  interval?: string | null;
  timezone?: string;
  sort?: string[];
  limit?: number;
}

/** One refusal: `param` as the server names it (`dimensions`, `filters[0][op]`, …). */
export interface DefinitionError {
  param: string;
  message: string;
}

const METADATA_KEY = /^metadata\.([A-Za-z0-9_]{1,40})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// RFC 3339 as Python's datetime.fromisoformat reads it (date, optional time and offset).
const ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The kind of a field of `source` (metadata keys are text), or null when not whitelisted. */
export function fieldKind(source: SourceCatalog, name: unknown): FieldKind | null {
  if (typeof name !== "string") return null;
  if (name in source.fields) return source.fields[name]!;
  if (source.metadata && METADATA_KEY.test(name)) return "text";
  return null;
}

export function isMoneyMetric(sourceName: string, metric: string): boolean {
  return CATALOG.sources[sourceName]?.metrics[metric] === true;
}

function validTimezone(zone: unknown): boolean {
  if (typeof zone !== "string" || !zone) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function validDate(text: unknown): text is string {
  if (typeof text !== "string" || !ISO_DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function scalarError(value: unknown, kind: FieldKind): string | null {
  const scalar =
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isInteger(value));
  if (!scalar || (kind === "int" && typeof value !== "number"))
    return "Filter values must be strings or integers.";
  if (
    kind === "time" &&
    (typeof value !== "string" || !ISO_TIMESTAMP.test(value) || Number.isNaN(Date.parse(value)))
  ) {
    return "A time filter value must be an RFC 3339 timestamp.";
  }
  return null;
}

function filterErrors(source: SourceCatalog, index: number, item: ReportFilter): DefinitionError[] {
  const param = `filters[${index}]`;
  const kind = fieldKind(source, item.field);
  if (kind === null)
    return [
      { param: `${param}[field]`, message: `Unknown or forbidden field: ${String(item.field)}.` },
    ];
  if (!CATALOG.ops.includes(item.op))
    return [
      { param: `${param}[op]`, message: `Unknown filter op; one of ${CATALOG.ops.join(", ")}.` },
    ];
  const vparam = `${param}[value]`;
  const value = item.value;
  if (item.op === "is_null") {
    return typeof value === "boolean"
      ? []
      : [{ param: vparam, message: "is_null takes true or false." }];
  }
  if (item.op === "in" || item.op === "nin") {
    if (!Array.isArray(value) || value.length < 1 || value.length > 100) {
      return [{ param: vparam, message: `${item.op} takes a list of 1 to 100 values.` }];
    }
  } else if (item.op === "between") {
    if (!Array.isArray(value) || value.length !== 2)
      return [{ param: vparam, message: "between takes [low, high]." }];
  }
  const values = Array.isArray(value) ? value : [value];
  for (const one of values) {
    const message = scalarError(one, kind);
    if (message) return [{ param: vparam, message }];
  }
  return [];
}

function dateRangeErrors(range: DateRange | null | undefined): DefinitionError[] {
  if (range === null || range === undefined) return [];
  const param = "date_range";
  if (range.type === "relative") {
    return CATALOG.relative_ranges.includes(range.value)
      ? []
      : [{ param, message: `A relative range is one of ${CATALOG.relative_ranges.join(", ")}.` }];
  }
  if (range.type !== "absolute")
    return [{ param, message: "date_range is {type: absolute|relative, value}." }];
  const { from, to } = range.value ?? { from: "", to: "" };
  if (!validDate(from) || !validDate(to))
    return [{ param, message: "An absolute range is {from, to} as YYYY-MM-DD." }];
  if (from >= to) return [{ param, message: "date_range from must be before to." }];
  return [];
}

/**
 * Every refusal the server would give this definition (an empty list when it is valid), each
 * with the server's `param`. The server stops at its first; the builder shows them all.
 */
export function validateDefinition(definition: ReportDefinition): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const name = definition.name;
  if (typeof name !== "string" || name.length < 1 || name.length > 200) {
    errors.push({ param: "name", message: "name is a string of 1 to 200 characters." });
  }
  const source = CATALOG.sources[definition.source];
  if (!source) {
    errors.push({
      param: "source",
      message: `Unknown source; one of ${Object.keys(CATALOG.sources).join(", ")}.`,
    });
    return errors;
  }
  const metrics = definition.metrics;
  if (metrics.length > 10)
    errors.push({ param: "metrics", message: "metrics must be a list of at most 10 items." });
  if (!metrics.length) errors.push({ param: "metrics", message: "At least one metric." });
  metrics.forEach((metric, index) => {
    if (!(metric in source.metrics))
      errors.push({
        param: `metrics[${index}]`,
        message: `Unknown metric for ${definition.source}.`,
      });
  });
  const dimensions = definition.dimensions;
  if (dimensions.length > 5)
    errors.push({ param: "dimensions", message: "dimensions must be a list of at most 5 items." });
  dimensions.forEach((dimension, index) => {
    if (fieldKind(source, dimension) === null) {
      errors.push({
        param: `dimensions[${index}]`,
        message: `Unknown or forbidden field: ${String(dimension)}.`,
      });
    }
  });
  if (new Set(dimensions).size !== dimensions.length)
    errors.push({ param: "dimensions", message: "A dimension is named twice." });
  const filters = definition.filters;
  if (filters.length > 20)
    errors.push({ param: "filters", message: "filters must be a list of at most 20 items." });
  filters.forEach((item, index) => errors.push(...filterErrors(source, index, item)));
  const metadataKeys = new Set(
    [...dimensions, ...filters.map((item) => item.field)].filter((field) =>
      field.startsWith("metadata."),
    ),
  );
  if (metadataKeys.size > CATALOG.max_metadata_keys) {
    errors.push({
      param: "dimensions",
      message: `At most ${CATALOG.max_metadata_keys} metadata keys per report.`,
    });
  }
  const money = metrics.some((metric) => source.metrics[metric] === true);
  const currencyFixed = filters.some((item) => item.field === "currency" && item.op === "eq");
  if (money && !dimensions.includes("currency") && !currencyFixed) {
    errors.push({
      param: "dimensions",
      message: "Money metrics need a currency dimension or a currency eq filter.",
    });
  }
  const interval = definition.interval ?? null;
  if (interval !== null && !CATALOG.intervals.includes(interval)) {
    errors.push({
      param: "interval",
      message: `interval is one of ${CATALOG.intervals.join(", ")}.`,
    });
  }
  if (!validTimezone(definition.timezone ?? "UTC"))
    errors.push({ param: "timezone", message: "Unknown timezone." });
  const sortable = new Set([...dimensions, ...metrics, ...(interval ? ["period"] : [])]);
  const sort = definition.sort ?? [];
  if (sort.length > 5)
    errors.push({ param: "sort", message: "sort must be a list of at most 5 items." });
  sort.forEach((item, index) => {
    if (!sortable.has(item.startsWith("-") ? item.slice(1) : item)) {
      errors.push({
        param: `sort[${index}]`,
        message: "Sort by a chosen dimension, metric or period.",
      });
    }
  });
  const limit = definition.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > CATALOG.max_limit) {
    errors.push({ param: "limit", message: `limit is 1 to ${CATALOG.max_limit}.` });
  }
  errors.push(...dateRangeErrors(definition.date_range));
  return errors;
}

/**
 * A filter's value from what the builder's text box holds, typed for the field: integers for
 * `int` fields ("1000" → 1000; a non-integer stays a string, which validation refuses), a list
 * for `in`/`nin`/`between` (comma-separated), a boolean for `is_null` ("true"/"false").
 */
export function filterValueFromText(kind: FieldKind, op: FilterOp, text: string): FilterValue {
  const one = (part: string): string | number => {
    const trimmed = part.trim();
    return kind === "int" && /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
  };
  if (op === "is_null") return text.trim() !== "false";
  if (op === "in" || op === "nin" || op === "between") {
    return text
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)
      .map(one);
  }
  return one(text);
}

/** The inverse of `filterValueFromText`, for editing a saved filter. */
export function filterValueToText(value: FilterValue): string {
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/** A new builder's definition: payments' count and gross volume per currency, last 30 days. */
export function emptyDefinition(): ReportDefinition {
  return {
    name: "",
    source: "payments",
    metrics: ["count", "gross_volume"],
    dimensions: ["currency"],
    filters: [],
    date_range: { type: "relative", value: "last_30_days" },
    interval: "day",
    timezone: "UTC",
    sort: [],
    limit: 1000,
  };
}
