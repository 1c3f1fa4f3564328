/**
 * Money as integers: amounts are minor units (cents; yen and won have none) plus an ISO 4217
 * currency. Display builds the exact decimal string from the integer and the currency's exponent
 * (the API's currency table, `currencies.json`, regenerated from the server by `make lint`) and
 * only then formats it; input parses a typed decimal string into minor units. No floats anywhere.
 */
import table from "./currencies.json";

export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = table;
export const CURRENCIES: readonly string[] = Object.keys(table);

export class MoneyParseError extends Error {
  constructor(
    message: string,
    readonly code: "invalid_amount" | "too_many_decimals" | "unknown_currency",
  ) {
    super(message);
    this.name = "MoneyParseError";
  }
}

/** The number of minor-unit digits of `currency` (lower or upper case). */
export function exponent(currency: string): number {
  const digits = CURRENCY_EXPONENTS[currency.toLowerCase()];
  if (digits === undefined) {
    throw new MoneyParseError(`Unknown currency: ${currency}`, "unknown_currency");
  }
  return digits;
}

/** The exact decimal string of `amount` minor units: (1050, "usd") → "10.50", (-5, "usd") → "-0.05". */
export function toDecimalString(amount: number | bigint, currency: string): string {
  const digits = exponent(currency);
  const value = BigInt(amount);
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(digits + 1, "0");
  const whole = digits ? text.slice(0, -digits) : text;
  const fraction = digits ? text.slice(-digits) : "";
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/**
 * `amount` minor units formatted for display: (1050, "usd") → "$10.50", (1000, "jpy") → "¥1,000".
 * The decimal string goes to Intl.NumberFormat as a string (exact; no float on the way).
 */
export function formatMoney(amount: number | bigint, currency: string, locale = "en-US"): string {
  const digits = exponent(currency);
  const formatter = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // Intl accepts decimal strings exactly (ES2023 "Intl.NumberFormat v3").
  return formatter.format(toDecimalString(amount, currency) as unknown as number);
}

/**
 * Parse a typed amount into minor units: ("10.5", "usd") → 1050, ("1000", "jpy") → 1000,
 * ("1,234.56", "eur") → 123456. Refuses signs, letters, empty input and more decimals than the
 * currency has (MoneyParseError with a code).
 */
export function parseMoney(input: string, currency: string): number {
  const digits = exponent(currency);
  const text = input.trim().replace(/[\s,_]/g, "");
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!text || !match || (match[1] === "" && !match[2])) {
    throw new MoneyParseError("Enter an amount such as 10.50.", "invalid_amount");
  }
  const whole = match[1] || "0";
  const fraction = match[2] ?? "";
  if (fraction.length > digits) {
    throw new MoneyParseError(
      digits === 0
        ? `${currency.toUpperCase()} has no decimals.`
        : `${currency.toUpperCase()} has at most ${digits} decimals.`,
      "too_many_decimals",
    );
  }
  const minor = BigInt(whole + fraction.padEnd(digits, "0"));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyParseError("That amount is too large.", "invalid_amount");
  }
  return Number(minor);
}
