import {
  CURRENCIES,
  CURRENCY_EXPONENTS,
  MoneyParseError,
  exponent,
  formatMoney,
  parseMoney,
  toDecimalString,
} from "./money";

// The expected display of 123456 minor units in every supported currency (en-US).
const DISPLAY: Record<string, string> = {
  usd: "$1,234.56",
  eur: "€1,234.56",
  gbp: "£1,234.56",
  jpy: "¥123,456",
  chf: "CHF\u00a01,234.56",
  cad: "CA$1,234.56",
  aud: "A$1,234.56",
  nzd: "NZ$1,234.56",
  sek: "SEK\u00a01,234.56",
  nok: "NOK\u00a01,234.56",
  dkk: "DKK\u00a01,234.56",
  sgd: "SGD\u00a01,234.56",
  hkd: "HK$1,234.56",
  krw: "₩123,456",
  inr: "₹1,234.56",
  mxn: "MX$1,234.56",
  brl: "R$1,234.56",
  pln: "PLN\u00a01,234.56",
};

describe("money", () => {
  it("covers every currency the API supports", () => {
    expect([...CURRENCIES].sort()).toEqual(Object.keys(DISPLAY).sort());
  });

  it.each(Object.entries(DISPLAY))("formats and parses %s exactly", (currency, display) => {
    expect(formatMoney(123456, currency)).toBe(display);
    const digits = CURRENCY_EXPONENTS[currency];
    const typed = digits === 0 ? "123456" : "1234.56";
    expect(toDecimalString(123456, currency)).toBe(typed);
    expect(parseMoney(typed, currency)).toBe(123456);
    expect(parseMoney(toDecimalString(1, currency), currency)).toBe(1);
  });

  it("parses typed decimals into minor units without floats", () => {
    expect(parseMoney("10.5", "usd")).toBe(1050);
    expect(parseMoney("1000", "jpy")).toBe(1000);
    expect(parseMoney("0.1", "usd") + parseMoney("0.2", "usd")).toBe(30);
    expect(parseMoney(" 1,234.5 ", "EUR")).toBe(123450);
    expect(parseMoney(".75", "usd")).toBe(75);
    expect(parseMoney("19.99", "usd")).toBe(1999); // 19.99 * 100 is 1998.9999… in floats
    expect(parseMoney("99999999999", "jpy")).toBe(99999999999);
  });

  it.each([
    ["", "usd", "invalid_amount"],
    ["abc", "usd", "invalid_amount"],
    ["-5", "usd", "invalid_amount"],
    ["1e3", "usd", "invalid_amount"],
    [".", "usd", "invalid_amount"],
    ["10.505", "usd", "too_many_decimals"],
    ["10.5", "jpy", "too_many_decimals"],
    ["10", "xyz", "unknown_currency"],
    ["99999999999999999", "usd", "invalid_amount"],
  ])("refuses %j in %s (%s)", (input, currency, code) => {
    expect(() => parseMoney(input, currency)).toThrow(MoneyParseError);
    try {
      parseMoney(input, currency);
    } catch (exc) {
      expect((exc as MoneyParseError).code).toBe(code);
    }
  });

  it("formats negatives, zero and large amounts exactly", () => {
    expect(toDecimalString(-5, "usd")).toBe("-0.05");
    expect(toDecimalString(0, "jpy")).toBe("0");
    expect(formatMoney(-1050, "usd")).toBe("-$10.50");
    expect(formatMoney(9007199254740993n, "usd")).toBe("$90,071,992,547,409.93");
    expect(exponent("KRW")).toBe(0);
  });
});
