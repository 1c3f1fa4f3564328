import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/api/schema.d.ts", "test-results", "playwright-report"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain Node scripts (e2e/fcp.mjs, run by `make bench`): Node's globals, and the browser's
    // inside the functions they hand to page.evaluate / addInitScript.
    files: ["**/*.mjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        sessionStorage: "readonly",
        performance: "readonly",
        PerformanceObserver: "readonly",
      },
    },
  },
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "no-restricted-globals": ["error", { name: "parseFloat", message: "Money stays integer." }],
      "no-restricted-properties": [
        "error",
        { object: "Number", property: "parseFloat", message: "Money stays integer." },
      ],
    },
  },
);
