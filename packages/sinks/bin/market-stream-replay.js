#!/usr/bin/env node
/**
 * The `market-stream-replay` bin: drains a dead-letter queue back into the sinks (see
 * `--help`). An installed package runs its build, `dist/cli/replayDeadLetters.js`. A source
 * checkout that has not been built yet runs `src/cli/replayDeadLetters.ts` through tsx with the
 * `source` condition, so the workspace packages resolve to their TypeScript sources too.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/replayDeadLetters.js', import.meta.url);

if (existsSync(built)) {
  const { main } = await import(built.href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  runSource();
}

function runSource() {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    process.stderr.write(
      'market-stream-replay: dist/cli/replayDeadLetters.js is missing and tsx is not installed; ' +
        'run `pnpm build` (or `pnpm install` in the repository) first\n',
    );
    process.exitCode = 1;
    return;
  }
  const source = fileURLToPath(new URL('../src/cli/replayDeadLetters.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', tsx, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // Ctrl-C reaches the whole process group; a signal sent to this process alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
  });
}
