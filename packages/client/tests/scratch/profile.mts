import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const { build } = createRequire('/work/main/packages/client/package.json')('esbuild');
const bundle = await build({
  entryPoints: ['/work/main/benchmarks/lib/browserClientPage.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['source'],
  write: false,
  logLevel: 'silent',
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
for (const mode of [process.argv[2] ?? 'shared']) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text, type: 'module' });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  const r: any = await page.evaluate(
    ([m]) => (globalThis as any).benchClient.run(m, 200, 10, 3),
    [mode],
  );
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map<string, number>();
  const dt = profile.timeDeltas;
  const samples = profile.samples;
  const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
  for (let i = 0; i < samples.length; i++) {
    const n: any = byId.get(samples[i]);
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.slice(-20)}:${n.callFrame.lineNumber}`;
    self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  console.log(mode, 'frames', r.frameWork.length, 'updates', r.updates, 'long', r.longTasks);
  console.log(
    [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, v]) => `${v.toFixed(0)}ms ${k}`)
      .join('\n'),
  );
}
await browser.close();
