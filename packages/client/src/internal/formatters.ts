/**
 * Number formats of one locale/currency pair, cached: building an Intl.NumberFormat is slow, and
 * so is calling one (a few microseconds), so each format is memoized by the integer it shows.
 */
export interface Formatters {
  /** Formats a price given in cents. */
  cents(cents: number): string;
  /** Formats a signed change given in cents. */
  change(cents: number): string;
  /** Formats a signed ratio given in hundredths of a percent (basis points). */
  percent(basisPoints: number): string;
}

const cache = new Map<string, Formatters>();
const MAX_MEMO = 8192;

/** `format` of `n / scale`, memoized by `n`; bounded: starts over rather than grow. */
function memoized(format: Intl.NumberFormat, scale: number): (n: number) => string {
  const memo = new Map<number, string>();
  return (n) => {
    let text = memo.get(n);
    if (text === undefined) {
      if (memo.size >= MAX_MEMO) memo.clear();
      text = format.format(n / scale);
      memo.set(n, text);
    }
    return text;
  };
}

/** The cached formatters for `locale` (browser default when undefined) and `currency`. */
export function formatters(locale?: string, currency?: string): Formatters {
  const key = `${locale ?? ''}|${currency ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    const money: Intl.NumberFormatOptions = currency
      ? { style: 'currency', currency }
      : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    const signed = { signDisplay: 'exceptZero' } as const;
    found = {
      cents: memoized(new Intl.NumberFormat(locale, money), 100),
      change: memoized(new Intl.NumberFormat(locale, { ...money, ...signed }), 100),
      percent: memoized(
        new Intl.NumberFormat(locale, {
          style: 'percent',
          minimumFractionDigits: 2,
          maximumFractionDigits: 2,
          ...signed,
        }),
        10_000,
      ),
    };
    cache.set(key, found);
  }
  return found;
}
