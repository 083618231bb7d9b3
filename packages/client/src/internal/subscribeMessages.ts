import { DEFAULT_PROTOCOL_LIMITS } from '@market-stream/core';

/**
 * The text frames of one `subscribe` or `unsubscribe` of `symbols`: servers refuse a message
 * naming more than the protocol's per-message symbol limit (50), so the symbols are split,
 * and each subscribe carries the `since` entries of its own symbols (a `since` may only name
 * symbols of the same message).
 */
export function subscribeMessages(
  action: 'subscribe' | 'unsubscribe',
  symbols: readonly string[],
  since?: ReadonlyMap<string, number>,
): string[] {
  const per = DEFAULT_PROTOCOL_LIMITS.maxSymbols;
  const messages: string[] = [];
  for (let i = 0; i < symbols.length; i += per) {
    const chunk = symbols.slice(i, i + per);
    const entries = since ? chunk.filter((symbol) => since.has(symbol)) : [];
    messages.push(
      JSON.stringify(
        entries.length === 0
          ? { action, symbols: chunk }
          : {
              action,
              symbols: chunk,
              since: Object.fromEntries(entries.map((symbol) => [symbol, since?.get(symbol)])),
            },
      ),
    );
  }
  return messages;
}
