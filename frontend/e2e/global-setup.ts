/**
 * A freshly created merchant for the run (`manage.py create_merchant`), written to
 * e2e/.merchant.json for the tests: its admin login and a sandbox API key.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const MERCHANT_FILE = join(here, ".merchant.json");

export default function globalSetup() {
  const root = join(here, "..", "..");
  const name = `E2E ${new Date().toISOString()}`;
  const output = execFileSync(
    join(root, ".venv", "bin", "python"),
    ["manage.py", "create_merchant", name],
    {
      cwd: root,
      env: { ...process.env, DJANGO_SETTINGS_MODULE: "mcp_payments.settings.base" },
      encoding: "utf8",
    },
  );
  const line = output
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (!line) throw new Error(`create_merchant printed no JSON: ${output}`);
  writeFileSync(MERCHANT_FILE, line);
}
