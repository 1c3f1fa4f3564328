/**
 * A file the API serves (a report's CSV or JSON), fetched with the user's token through the
 * client middleware (a browser link could not send the bearer header) and saved under
 * `filename`. Throws the ApiError of a refusal (e.g. 400 while a report is still pending).
 */
import { API_BASE, authMiddleware } from "./client";
import { toApiError } from "./errors";

export async function downloadFile(path: string, filename: string): Promise<void> {
  const request = new Request(`${API_BASE}${path}`);
  const sent = (await authMiddleware.onRequest!({ request } as never)) as Request;
  const response = (await authMiddleware.onResponse!({
    request: sent,
    response: await fetch(sent.clone()),
  } as never)) as Response;
  if (!response.ok) throw toApiError(response.status, await response.json().catch(() => null));
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
