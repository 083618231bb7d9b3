/**
 * `pnpm demo`: a live terminal demo of the simulator — the twenty default tickers ticking in
 * place. `pnpm demo stochastic-volatility` switches model. Ctrl-C exits. (`pnpm start` runs the
 * whole ticker system of examples/full-stack.)
 */
import { simulateTrades } from '@market-stream/simulator';

await demo(simulateTrades);

async function demo(simulate: typeof simulateTrades) {
  const model = process.argv[2] === 'stochastic-volatility' ? 'stochastic-volatility' : 'momentum';
  const rows = new Map<
    string,
    {
      open: number;
      price: number;
      bid: number;
      ask: number;
      size: number;
      seq: number;
      shown: number;
    }
  >();
  const subscription = simulate({ model }).subscribe((trade) => {
    const row = rows.get(trade.symbol);
    if (row) Object.assign(row, trade);
    else rows.set(trade.symbol, { ...trade, open: trade.price, shown: trade.price });
  });

  const tty = process.stdout.isTTY;
  const paint = (text: string, code: number) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
  const render = () => {
    const lines = [
      paint(`market-stream simulator · ${model} · 20 tickers × 5 trades/s · Ctrl-C to quit`, 1),
      '',
      paint('SYMBOL      PRICE     CHANGE        BID        ASK     SIZE  TRADES', 2),
    ];
    for (const [symbol, row] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
      const change = row.price - row.open;
      const tick =
        row.price > row.shown ? paint('▲', 32) : row.price < row.shown ? paint('▼', 31) : ' ';
      row.shown = row.price;
      const changeText = `${change >= 0 ? '+' : ''}${((change / row.open) * 100).toFixed(2)}%`;
      lines.push(
        `${symbol.padEnd(6)} ${tick} ${row.price.toFixed(2).padStart(9)} ${paint(changeText.padStart(10), change >= 0 ? 32 : 31)} ${row.bid.toFixed(2).padStart(10)} ${row.ask.toFixed(2).padStart(10)} ${String(row.size).padStart(8)} ${String(row.seq).padStart(7)}`,
      );
    }
    process.stdout.write(tty ? `\x1b[H\x1b[J${lines.join('\n')}\n` : `${lines.join('\n')}\n\n`);
  };

  if (tty) process.stdout.write('\x1b[?25l\x1b[2J');
  const timer = setInterval(render, tty ? 100 : 2_000);
  const quit = () => {
    clearInterval(timer);
    subscription.unsubscribe();
    if (tty) process.stdout.write('\x1b[?25h');
    process.stdout.write('\n');
    process.exit(0);
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}
