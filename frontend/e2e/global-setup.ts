/**
 * One freshly created merchant per Playwright worker (`manage.py create_merchant`, run side by
 * side), written to e2e/.merchant-<parallel index>.json: its admin login and a sandbox API key.
 * Each worker's tests use their own (helpers.merchant()), so tests running at the same time never
 * see each other's payments, tiles, team members or approvals.
 */
import type { FullConfig } from "@playwright/test";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));

/** The merchant file of the worker with Playwright's parallel index `index` (0 … workers − 1). */
export function merchantFile(index: number | string): string {
  return join(here, `.merchant-${index}.json`);
}

async function createMerchant(root: string, name: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    join(root, ".venv", "bin", "python"),
    ["manage.py", "create_merchant", name],
    {
      cwd: root,
      env: { ...process.env, DJANGO_SETTINGS_MODULE: "mcp_payments.settings.base" },
      encoding: "utf8",
    },
  );
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (!line) throw new Error(`create_merchant printed no JSON: ${stdout}`);
  return line;
}

export default async function globalSetup(config: FullConfig) {
  const root = join(here, "..", "..");
  const stamp = new Date().toISOString();
  const workers = Array.from({ length: config.workers }, (_, index) => index);
  const lines = await Promise.all(
    workers.map((index) => createMerchant(root, `E2E ${stamp} worker ${index}`)),
  );
  lines.forEach((line, index) => writeFileSync(merchantFile(index), line));
}
