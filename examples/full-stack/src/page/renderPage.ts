/** The ticker page: the tape, the grid and a small live panel. */
export function renderPage({
  symbols,
  events,
}: {
  symbols: readonly string[];
  /** The `events` topology: where the page subscribes instead of `/ws`. */
  events?: { realtimeUrl: string; host: string; apiKey: string };
}): string {
  // JSON inside <script> must not be able to close the tag.
  const config = JSON.stringify({ symbols, events }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>market-stream · live ticker</title>
<style>
  :root { color-scheme: dark; --bg: #0b0e14; --fg: #e6e9ef; --muted: #8a93a6; --accent: #4cc38a; }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  header { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: baseline; justify-content: space-between; padding: 16px 24px 12px; }
  h1 { margin: 0; font-size: 18px; font-weight: 600; letter-spacing: .02em; }
  h1 span { color: var(--muted); font-weight: 400; }
  .panel { display: flex; gap: 20px; color: var(--muted); font-variant-numeric: tabular-nums; }
  .panel b { color: var(--fg); font-weight: 600; }
  #status::before { content: ""; display: inline-block; width: 8px; height: 8px; margin-right: 6px; border-radius: 50%; background: #d9a441; vertical-align: middle; }
  #status[data-status="open"]::before { background: var(--accent); }
  #status[data-status="closed"]::before { background: #e5534b; }
  main { padding: 8px 24px 24px; }
  footer { padding: 0 24px 24px; color: var(--muted); font-size: 12px; }
  footer code { color: var(--fg); }
</style>
</head>
<body>
<header>
  <h1>market-stream <span>live ticker</span></h1>
  <div class="panel" aria-live="off">
    <span><b id="tps">–</b> trades/s</span>
    <span><b id="clients">–</b> clients</span>
    <span>p99 <b id="p99">–</b> ms</span>
    <span id="status" data-status="connecting">connecting</span>
  </div>
</header>
<ticker-tape></ticker-tape>
<main><ticker-grid></ticker-grid></main>
<footer>Simulated trades through Kinesis, DynamoDB and the fan-out engine. API: <code>/api/trades?symbol=AAPL</code> · <code>/api/bars?symbol=AAPL&amp;interval=1m</code> · <code>/healthz</code> · <code>/metrics</code></footer>
<script id="config" type="application/json">${config}</script>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
}
