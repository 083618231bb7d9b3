/**
 * `pnpm check:layers`: checks that the packages import each other only along the allowed edges.
 *
 * Reads every import, `export … from` and dynamic `import()` specifier of `packages/*\/src/**\/*.ts`
 * (comments and strings are skipped by the TypeScript scanner), maps `@market-stream/x[/sub]` and
 * relative paths that leave the package to a package, and checks each against
 * {@link ALLOWED_EDGES}. Importing another package's files by path (`../../core/src/…`,
 * `@market-stream/core/src/…`) is always refused: packages meet only through their exports.
 * Exits 1 naming every violating import (file and specifier).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** One import found in a package's sources. */
export interface ImportRecord {
  /** Repository-relative path with `/` separators, e.g. `packages/fanout/src/lambda/x.ts`. */
  readonly file: string;
  /** The module specifier as written. */
  readonly specifier: string;
}

/** One import the layering refuses, with the reason. */
export interface LayeringViolation extends ImportRecord {
  /** Why the import is refused. */
  readonly message: string;
}

/** An allowed dependency from one package to another. */
export interface AllowedEdge {
  /** Importing package (directory name under `packages/`). */
  readonly from: string;
  /** Imported package (directory name under `packages/`). */
  readonly to: string;
  /**
   * Package-relative path prefixes (e.g. `src/handlers/`) the edge is limited to.
   * Absent: every file of the package may use it.
   */
  readonly files?: readonly string[];
  /** Why the edge exists; required for every edge other than the plain "depends on core". */
  readonly reason?: string;
}

/**
 * The one table of allowed edges between packages. A package may always import itself.
 * core imports no other package; client imports only core; simulator, sinks, fanout and client
 * do not import each other except where written below; cdk-constructs imports runtime code only
 * from the files bundled into its Lambda handlers.
 */
export const ALLOWED_EDGES: readonly AllowedEdge[] = [
  { from: 'client', to: 'core' },
  { from: 'simulator', to: 'core' },
  { from: 'sinks', to: 'core' },
  { from: 'fanout', to: 'core' },
  {
    from: 'fanout',
    to: 'sinks',
    files: ['src/lambda/'],
    reason:
      'the serverless stream processor takes its Kinesis event types and decoder ' +
      '(decodeKinesisEvent) and its history writer (dynamoHistoryWriter) from sinks, where the ' +
      'Lambda event shapes and the DynamoDB item design live, so that each exists once',
  },
  {
    from: 'cdk-constructs',
    to: 'core',
    reason:
      'typed errors extend MarketStreamError; defaults use the default ticker universe; the ' +
      'deployment contracts (LAMBDA_ENV, lambdaEnvironment, the table keys) live in core so the ' +
      'constructs write the names the handlers read without depending on fanout or sinks',
  },
  {
    from: 'cdk-constructs',
    to: 'fanout',
    files: ['src/handlers/'],
    reason: 'Lambda handler bundles re-export the serverless fan-out handlers',
  },
  {
    from: 'cdk-constructs',
    to: 'sinks',
    files: ['src/handlers/', 'src/internal/historyHandler.ts'],
    reason: 'Lambda handler bundles decode Kinesis events and read history tables',
  },
];

const SCOPE = '@market-stream/';

/**
 * The package a repository-relative file belongs to (`packages/<name>/…`), or undefined.
 *
 * @example
 * ```ts
 * packageOf('packages/fanout/src/index.ts'); // 'fanout'
 * ```
 */
export function packageOf(file: string): string | undefined {
  const match = /^packages\/([^/]+)\//.exec(file);
  return match?.[1];
}

/**
 * Checks imports against the allowed edges and returns every violation (empty when all pass).
 *
 * @example
 * ```ts
 * checkImports([{ file: 'packages/core/src/a.ts', specifier: '@market-stream/sinks' }]);
 * // [{ file: 'packages/core/src/a.ts', specifier: '@market-stream/sinks', message: 'core may not import sinks …' }]
 * ```
 */
export function checkImports(
  imports: readonly ImportRecord[],
  edges: readonly AllowedEdge[] = ALLOWED_EDGES,
): LayeringViolation[] {
  const violations: LayeringViolation[] = [];
  for (const record of imports) {
    const message = violationOf(record, edges);
    if (message !== undefined) violations.push({ ...record, message });
  }
  return violations;
}

function violationOf(record: ImportRecord, edges: readonly AllowedEdge[]): string | undefined {
  const from = packageOf(record.file);
  if (from === undefined) return undefined;
  const { specifier } = record;
  let to: string;
  if (specifier.startsWith(SCOPE)) {
    const [name, ...subpath] = specifier.slice(SCOPE.length).split('/');
    to = name ?? '';
    if (to !== from && subpath[0] === 'src') {
      return `imports ${to}'s sources by path; import its package exports instead`;
    }
  } else if (specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(record.file), specifier));
    const targetPackage = packageOf(target);
    if (targetPackage === from) return undefined;
    if (targetPackage === undefined) return 'reaches outside the packages by a relative path';
    return `imports ${targetPackage}'s files by a relative path; import @market-stream/${targetPackage} instead`;
  } else {
    return undefined;
  }
  if (to === from) return undefined;
  const withinPackage = record.file.slice(`packages/${from}/`.length);
  const edge = edges.find((candidate) => candidate.from === from && candidate.to === to);
  if (edge === undefined) return `${from} may not import ${to} (see ALLOWED_EDGES)`;
  if (edge.files && !edge.files.some((prefix) => withinPackage.startsWith(prefix))) {
    return `${from} may import ${to} only from ${edge.files.join(', ')} (see ALLOWED_EDGES)`;
  }
  return undefined;
}

/**
 * Every module specifier of one TypeScript source (imports, `export … from`, `import()`),
 * skipping comments and strings.
 *
 * @example
 * ```ts
 * specifiersOf("import { a } from './a.js'; // import 'b'"); // ['./a.js']
 * ```
 */
export function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/**
 * Every import of `packages/*\/src/**\/*.ts` under a repository root.
 *
 * @example
 * ```ts
 * collectImports(process.cwd()).length; // > 0
 * ```
 */
export function collectImports(root: string): ImportRecord[] {
  const records: ImportRecord[] = [];
  const packagesDir = join(root, 'packages');
  for (const name of readdirSync(packagesDir)) {
    for (const path of sourceFiles(join(packagesDir, name, 'src'))) {
      const file = relative(root, path).split(sep).join('/');
      for (const specifier of specifiersOf(readFileSync(path, 'utf8'))) {
        records.push({ file, specifier });
      }
    }
  }
  return records;
}

function sourceFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

function main(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const imports = collectImports(root);
  const violations = checkImports(imports);
  for (const v of violations) {
    console.error(`layering: ${v.file} imports '${v.specifier}': ${v.message}`);
  }
  if (violations.length > 0) {
    console.error(`layering: ${violations.length} import(s) break the layering`);
    process.exitCode = 1;
  } else {
    console.log(`layering: ${imports.length} imports checked, all along allowed edges`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
