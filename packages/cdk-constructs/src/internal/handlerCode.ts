import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HandlerBundleMissingError } from '../errors.js';

/** The handlers prebundled into `lambda/<name>/index.js` by `build:handlers`. */
export type HandlerName =
  | 'connect'
  | 'disconnect'
  | 'message'
  | 'processor'
  | 'eventsProcessor'
  | 'broadcaster'
  | 'recorder'
  | 'history'
  | 'ingest'
  | 'replay';

const PACKAGE_NAME = '@market-stream/cdk-constructs';
// src/internal/ in a checkout, dist/ when published: a short bounded walk finds the root either way.
const MAX_LEVELS = 6;

let cachedRoot: string | undefined;

/** The directory holding this package's package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < MAX_LEVELS; level++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === PACKAGE_NAME) {
        cachedRoot = dir;
        return dir;
      }
    }
    dir = dirname(dir);
  }
  throw new HandlerBundleMissingError('*', `package root of ${PACKAGE_NAME}`);
}

/**
 * The prebundled code of one handler as a Lambda asset; no bundler runs at synth time.
 *
 * @throws HandlerBundleMissingError when the bundle was not built.
 */
export function handlerCode(name: HandlerName): lambda.Code {
  const directory = join(packageRoot(), 'lambda', name);
  const bundle = join(directory, 'index.js');
  if (!existsSync(bundle)) throw new HandlerBundleMissingError(name, bundle);
  return lambda.Code.fromAsset(directory);
}
