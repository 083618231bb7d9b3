// Budget of what a browser page pays for the client plus the elements, minified and gzipped.
// RxJS is a peer dependency, which size-limit leaves out by default; the page pays for it, so
// the esbuild config below bundles it back in.
const browser = (config) => ({ ...config, external: [], platform: 'browser' });

export default [
  {
    name: 'client + elements, with the RxJS they pull in (min + gzip)',
    path: ['dist/index.js', 'dist/elements.js'],
    import: {
      'dist/index.js': '{ createTickerClient }',
      'dist/elements.js': '{ defineTickerElements }',
    },
    gzip: true,
    limit: '15 kB',
    modifyEsbuildConfig: browser,
  },
  {
    // A page on the events topology: the same client and elements plus the AppSync Events
    // adapter (the optional `@market-stream/client/appsync` entry).
    name: 'client + elements + AppSync Events adapter, with RxJS (min + gzip)',
    path: ['dist/index.js', 'dist/elements.js', 'dist/appsync.js'],
    import: {
      'dist/index.js': '{ createTickerClient }',
      'dist/elements.js': '{ defineTickerElements }',
      'dist/appsync.js': '{ appSyncEventsWebSocket }',
    },
    gzip: true,
    // 17.25 kB when the entry shipped; the grid's sparklines, selection, badges and watchlist
    // layout (issue #17) added ~2 kB to the elements both entries carry.
    limit: '20 kB',
    modifyEsbuildConfig: browser,
  },
  {
    // A page with a live chart: the client plus `<ticker-chart>` (the optional
    // `@market-stream/client/chart` entry), with lightweight-charts and RxJS bundled in.
    name: 'client + chart, with lightweight-charts and RxJS (min + gzip)',
    path: ['dist/index.js', 'dist/chart.js'],
    import: {
      'dist/index.js': '{ createTickerClient }',
      'dist/chart.js': '{ defineTickerChart }',
    },
    gzip: true,
    limit: '68 kB',
    modifyEsbuildConfig: browser,
  },
];
