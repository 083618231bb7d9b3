import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkImports, specifiersOf } from './checkLayering.js';

describe('checkImports', () => {
  it('reports an import between packages that the table does not allow, naming file and specifier', () => {
    // Arrange
    const imports = [
      { file: 'packages/core/src/Trade.ts', specifier: '@market-stream/sinks' },
      { file: 'packages/client/src/a.ts', specifier: '@market-stream/fanout/local' },
    ];

    // Act
    const violations = checkImports(imports);

    // Assert
    expect(violations).toEqual([
      {
        file: 'packages/core/src/Trade.ts',
        specifier: '@market-stream/sinks',
        message: expect.stringContaining('core may not import sinks'),
      },
      {
        file: 'packages/client/src/a.ts',
        specifier: '@market-stream/fanout/local',
        message: expect.stringContaining('client may not import fanout'),
      },
    ]);
  });

  it('accepts the allowed edges, third-party modules and relative imports inside the package', () => {
    // Arrange
    const imports = [
      { file: 'packages/client/src/a.ts', specifier: '@market-stream/core' },
      { file: 'packages/fanout/src/lambda/x.ts', specifier: '@market-stream/sinks/lambda' },
      {
        file: 'packages/cdk-constructs/src/handlers/connect.ts',
        specifier: '@market-stream/fanout/lambda',
      },
      { file: 'packages/sinks/src/a/b.ts', specifier: '../c.js' },
      { file: 'packages/sinks/src/a.ts', specifier: 'node:fs' },
      { file: 'packages/sinks/src/b.ts', specifier: '@aws-sdk/client-dynamodb' },
    ];

    // Act
    const violations = checkImports(imports);

    // Assert
    expect(violations).toEqual([]);
  });

  it('reports an exception edge used outside the files it is limited to', () => {
    // Arrange
    const imports = [
      {
        file: 'packages/cdk-constructs/src/fanout/ServerlessFanout.ts',
        specifier: '@market-stream/fanout/lambda',
      },
    ];

    // Act
    const [violation] = checkImports(imports);

    // Assert
    expect(violation?.message).toContain(
      'cdk-constructs may import fanout only from src/handlers/',
    );
  });

  it("reports another package's sources imported by path, relative or scoped", () => {
    // Arrange
    const imports = [
      { file: 'packages/client/src/a.ts', specifier: '../../core/src/Trade.js' },
      { file: 'packages/client/src/a.ts', specifier: '@market-stream/core/src/Trade.js' },
      { file: 'packages/client/src/a.ts', specifier: '../../../tests/helpers/factories.js' },
    ];

    // Act
    const messages = checkImports(imports).map((violation) => violation.message);

    // Assert
    expect(messages).toEqual([
      expect.stringContaining("imports core's files by a relative path"),
      expect.stringContaining("imports core's sources by path"),
      expect.stringContaining('reaches outside the packages'),
    ]);
  });

  it('never reports a package importing itself', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('core', 'client', 'simulator', 'sinks', 'fanout', 'cdk-constructs'),
        fc.constantFrom('', '/lambda', '/node', '/local'),
        (name, subpath) => {
          // Arrange
          const imports = [
            { file: `packages/${name}/src/x.ts`, specifier: `@market-stream/${name}${subpath}` },
          ];

          // Act
          const violations = checkImports(imports);

          // Assert
          expect(violations).toEqual([]);
        },
      ),
    );
  });
});

describe('specifiersOf', () => {
  it('finds imports, export-from and dynamic imports but not comments or strings', () => {
    // Arrange
    const source = [
      "import { a } from './a.js';",
      "import type { T } from '@market-stream/core';",
      "export * from './b.js';",
      "const c = await import('@market-stream/client/elements');",
      "// import '@market-stream/sinks';",
      "/** import { x } from '@market-stream/fanout'; */",
      'const s = "import \'@market-stream/simulator\'";',
    ].join('\n');

    // Act
    const specifiers = specifiersOf(source);

    // Assert
    expect(specifiers).toEqual([
      './a.js',
      '@market-stream/core',
      './b.js',
      '@market-stream/client/elements',
    ]);
  });
});
