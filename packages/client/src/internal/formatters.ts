/** Number formats of one locale/currency pair, cached: building an Intl.NumberFormat is slow. */
export interface Formatters {
  /** Formats a price given in cents, memoized: animated prices revisit the same cents often. */
  cents(cents: number): string;
  price: Intl.NumberFormat;
  change: Intl.NumberFormat;
  percent: Intl.NumberFormat;
}

const cache = new Map<string, Formatters>();
const MAX_MEMO = 8192;

/** The cached formatters for `locale` (browser default when undefined) and `currency`. */
export function formatters(locale?: string, currency?: string): Formatters {
  const key = `${locale ?? ''}|${currency ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    const money: Intl.NumberFormatOptions = currency
      ? { style: 'currency', currency }
      : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    const price = new Intl.NumberFormat(locale, money);
    const memo = new Map<number, string>();
    found = {
      cents(cents) {
        let text = memo.get(cents);
        if (text === undefined) {
          // Bounded: start over rather than grow without limit.
          if (memo.size >= MAX_MEMO) memo.clear();
          text = price.format(cents / 100);
          memo.set(cents, text);
        }
        return text;
      },
      price,
      change: new Intl.NumberFormat(locale, { ...money, signDisplay: 'exceptZero' }),
      percent: new Intl.NumberFormat(locale, {
        style: 'percent',
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
        signDisplay: 'exceptZero',
      }),
    };
    cache.set(key, found);
  }
  return found;
}
