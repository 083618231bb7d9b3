/**
 * The ticker page: the tape, the grid, a small live panel, the alerts dialog and its toasts,
 * and (in the grid's `detail` slot) the selected ticker's chart.
 */
export function renderPage({
  symbols,
  events,
  inlineConfig = true,
}: {
  symbols: readonly string[];
  /** The `events` topology: where the page subscribes instead of `/ws`. */
  events?: { realtimeUrl: string; host: string; apiKey: string };
  /**
   * Whether the config is inline (the local server). Without it the page reads `config.json`
   * (the deployed site, see buildSite.ts) and `symbols` and `events` are not used.
   * @default true
   */
  inlineConfig?: boolean;
}): string {
  // JSON inside <script> must not be able to close the tag.
  const config = JSON.stringify({ symbols, events }).replace(/</g, '\\u003c');
  const configScript = inlineConfig
    ? `<script id="config" type="application/json">${config}</script>\n`
    : '';
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
  .panel { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 20px; color: var(--muted); font-variant-numeric: tabular-nums; }
  .panel b { color: var(--fg); font-weight: 600; }
  #status::before { content: ""; display: inline-block; width: 8px; height: 8px; margin-right: 6px; border-radius: 50%; background: #d9a441; vertical-align: middle; }
  #status[data-status="open"]::before { background: var(--accent); }
  #status[data-status="closed"]::before { background: #e5534b; }
  main { padding: 8px 24px 24px; }
  footer { padding: 0 24px 24px; color: var(--muted); font-size: 12px; }
  footer code { color: var(--fg); }
  button { font: inherit; color: var(--fg); background: #1a2030; border: 1px solid #2c3550; border-radius: 6px; padding: 4px 10px; cursor: pointer; }
  button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  button[aria-pressed="true"] { background: var(--accent); color: var(--bg); }
  dialog { background: #131826; color: var(--fg); border: 1px solid #2c3550; border-radius: 10px; max-width: 420px; width: calc(100% - 32px); }
  dialog::backdrop { background: rgb(0 0 0 / .5); }
  dialog h2 { margin: 0 0 12px; font-size: 16px; }
  #alert-form { display: grid; gap: 8px; }
  #alert-form label { display: grid; gap: 2px; color: var(--muted); font-size: 13px; }
  #alert-form select, #alert-form input { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid #2c3550; border-radius: 6px; padding: 4px 6px; }
  #alert-error { margin: 0; color: #e5534b; min-height: 1em; font-size: 13px; }
  #alert-list { list-style: none; padding: 0; margin: 12px 0; display: grid; gap: 6px; }
  #alert-list li { display: flex; justify-content: space-between; gap: 8px; align-items: center; }
  .dialog-actions { display: flex; justify-content: space-between; gap: 8px; }
  .toasts { position: fixed; right: 16px; bottom: 16px; display: grid; gap: 8px; z-index: 10; }
  .toast { background: #1f2a44; border-left: 3px solid var(--accent); padding: 8px 12px; border-radius: 6px; box-shadow: 0 4px 12px rgb(0 0 0 / .4); }
  .detail { display: grid; gap: 8px; padding: 8px 0; }
  .detail .bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
  .detail ticker-chart { display: block; height: 320px; }
  [hidden] { display: none !important; }
  /* Phones: the grid is its compact watchlist (below 600 px); the page gives it the width. */
  @media (max-width: 600px) {
    header { padding: 12px 12px 8px; }
    .panel { gap: 4px 14px; font-size: 14px; }
    main { padding: 4px 8px 16px; }
    footer { padding: 0 12px 16px; overflow-wrap: anywhere; }
    .detail ticker-chart { height: 240px; }
  }
</style>
</head>
<body>
<header>
  <h1>market-stream <span>live ticker</span></h1>
  <div class="panel" aria-live="off">
    <span data-local-only><b id="tps" data-health="tradesPerSecond">–</b> trades/s</span>
    <span data-local-only><b id="clients" data-health="clients">–</b> clients</span>
    <span data-local-only>p99 <b id="p99" data-health="latencyP99Ms">–</b> ms</span>
    <span id="status" data-status="connecting">connecting</span>
    <button id="alerts-open" type="button" aria-haspopup="dialog">Alerts</button>
  </div>
</header>
<ticker-tape></ticker-tape>
<main><ticker-grid sparkline="5">
  <section slot="detail" id="detail" class="detail" aria-label="Chart">
    <div class="bar">
      <strong id="detail-symbol"></strong>
      <span role="group" aria-label="Interval">
        <button type="button" data-interval="1m" aria-pressed="true">1m</button>
        <button type="button" data-interval="5m" aria-pressed="false">5m</button>
        <button type="button" data-interval="15m" aria-pressed="false">15m</button>
        <button type="button" data-interval="1h" aria-pressed="false">1h</button>
      </span>
      <button type="button" id="detail-alerts" aria-haspopup="dialog">Alerts…</button>
      <button type="button" id="detail-close">Close chart</button>
    </div>
  </section>
</ticker-grid></main>
<dialog id="alerts-dialog" aria-labelledby="alerts-title">
  <h2 id="alerts-title">Price alerts</h2>
  <form id="alert-form">
    <label>Ticker <select id="alert-symbol" name="symbol"></select></label>
    <label>When <select id="alert-kind" name="kind">
      <option value="above">the price rises to</option>
      <option value="below">the price falls to</option>
      <option value="move">the price moves by (%)</option>
    </select></label>
    <label>Value <input id="alert-value" name="value" type="number" step="any" min="0" required></label>
    <label id="alert-window-label" hidden>Within (minutes) <input id="alert-window" name="window" type="number" step="any" min="0" value="5"></label>
    <button type="submit">Add alert</button>
    <p id="alert-error" role="alert"></p>
  </form>
  <ul id="alert-list" aria-label="Your alerts"></ul>
  <div class="dialog-actions">
    <button id="alert-permission" type="button">Allow notifications</button>
    <button id="alerts-close" type="button">Close</button>
  </div>
</dialog>
<div id="toasts" class="toasts" role="status" aria-live="polite"></div>
<footer>Simulated trades through Kinesis, DynamoDB and the fan-out engine. API: <code>/api/trades?symbol=AAPL</code> · <code>/api/bars?symbol=AAPL&amp;interval=1m</code><span data-local-only> · <code>/healthz</code> · <code>/metrics</code></span></footer>
${configScript}<script type="module" src="/app.js"></script>
</body>
</html>
`;
}
