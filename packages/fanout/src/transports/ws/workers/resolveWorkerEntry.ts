import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkerOptionError } from '../../../errors.js';

/**
 * The module each cluster worker runs and the Node flags it needs. From the TypeScript sources
 * (tests, `--conditions=source`), `workerMain.ts` loaded through tsx with the `source`
 * condition; from a build, `fanoutWorker.js` next to the bundle (tsup entry
 * `fanoutWorker: 'src/transports/ws/workers/workerMain.ts'`), plain Node. Internal.
 *
 * @throws WorkerOptionError (`workers`) when the build lacks the worker entry.
 */
export function resolveWorkerEntry(): { exec: string; execArgv: string[] } {
  // The CommonJS build has no import.meta; `__filename` is its module's path.
  const here = import.meta.url ?? pathToFileURL(__filename).href;
  const fromSource = here.endsWith('.ts');
  const exec = fileURLToPath(new URL(fromSource ? './workerMain.ts' : './fanoutWorker.js', here));
  if (!existsSync(exec)) {
    throw new WorkerOptionError(
      'workers',
      `needs the worker entry ${exec}, which this build lacks`,
    );
  }
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--inspect'));
  if (fromSource && !execArgv.includes('--conditions=source')) {
    execArgv.push('--import', 'tsx', '--conditions=source');
  }
  return { exec, execArgv };
}
