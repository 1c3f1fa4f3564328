/** Cursor-paged list reads (`limit`, `starting_after` and each resource's filters). */
import { apiJson } from "./client";
import type { ListPage } from "./types";

/** Drop empty values and build the query string: {status: "succeeded", customer: ""} → "?status=succeeded". */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** One page of `path` (e.g. "/payments") with `params`. */
export function fetchPage<T>(
  path: string,
  params: Record<string, string | number | undefined | null> = {},
): Promise<ListPage<T>> {
  return apiJson<ListPage<T>>(`${path}${queryString(params)}`);
}
