/** Number formats of one locale/currency pair, cached: building an Intl.NumberFormat is slow. */
export interface Formatters {
  price: Intl.NumberFormat;
  change: Intl.NumberFormat;
  percent: Intl.NumberFormat;
}

const cache = new Map<string, Formatters>();

/** The cached formatters for `locale` (browser default when undefined) and `currency`. */
export function formatters(locale?: string, currency?: string): Formatters {
  const key = `${locale ?? ''}|${currency ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    const money: Intl.NumberFormatOptions = currency
      ? { style: 'currency', currency }
      : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    found = {
      price: new Intl.NumberFormat(locale, money),
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
