// Budget of what a browser page pays for the client plus the elements, minified and gzipped.
// RxJS is a peer dependency, which size-limit leaves out by default; the page pays for it, so
// the esbuild config below bundles it back in.
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
    modifyEsbuildConfig(config) {
      return { ...config, external: [], platform: 'browser' };
    },
  },
];
