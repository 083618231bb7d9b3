/**
 * `pnpm bench [name…]`: runs every suite in benchmarks/suites (or those whose file name contains
 * one of the names), each in its own process so one suite's memory and JIT state never colour
 * another's, and rewrites BENCHMARKS.md. With names, only those sections are replaced.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, type as osType, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SuiteResult } from './lib/suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const target = join(root, 'BENCHMARKS.md');
const filters = process.argv.slice(2);

const suites = readdirSync(join(here, 'suites'))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((name) => file.includes(name)))
  .sort();

const previous = existsSync(target) ? readFileSync(target, 'utf8') : '';
const sections = new Map<string, string>();
for (const match of previous.matchAll(/<!-- suite:(\S+) -->\n([\s\S]*?)<!-- \/suite:\1 -->/g)) {
  sections.set(match[1]!, match[2]!);
}

let failed = 0;
for (const file of suites) {
  const name = file.replace(/\.bench\.ts$/, '');
  const out = join(here, `.${name}.result.json`);
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--conditions=source', '--import', 'tsx', join(here, 'suites', file)],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, BENCH_OUT: out, NODE_ENV: 'production' },
    },
  );
  if (child.status !== 0 || !existsSync(out)) {
    failed++;
    console.error(`✖ ${name} failed (exit ${child.status})`);
    continue;
  }
  const result = JSON.parse(readFileSync(out, 'utf8')) as SuiteResult;
  rmSync(out);
  sections.set(
    name,
    `## ${result.title}\n\n${result.markdown.trim()}\n\n_Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${((Date.now() - started) / 1000).toFixed(0)} s._\n`,
  );
  console.log(`✔ ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

const cpu = cpus();
const header = `# Benchmarks

Written by \`pnpm bench\` (\`pnpm bench <name>\` reruns one suite and keeps the others). Every
figure is the median of repeated runs on a shared, noisy machine; ratios compare runs made
side by side in the same process or the same suite run.

Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB,
${osType()} ${release()}, Node ${process.version}.
`;
const body = [...sections.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, text]) => `<!-- suite:${name} -->\n${text}<!-- /suite:${name} -->`)
  .join('\n\n');
writeFileSync(target, `${header}\n${body}\n`);
console.log(`\nwrote ${target}${failed ? ` (${failed} suite(s) failed)` : ''}`);
process.exit(failed ? 1 : 0);
