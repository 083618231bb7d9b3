import { lambdaEnvironment, readEnvironment } from '@market-stream/fanout/lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/);
const url = name.map((host) => `https://${host}.example/`);

describe('lambdaEnvironment() and readEnvironment()', () => {
  it('readEnvironment reads back every setting lambdaEnvironment writes', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            connectionsTable: name,
            shards: fc.integer({ min: 1, max: 10_000 }),
            mode: fc.constantFrom('latest' as const, 'all' as const),
            endpoint: url,
            historyTable: name,
            jwtSecret: name,
            jwtJwksUrl: url,
            jwtIssuer: name,
            jwtAudience: name,
            broadcasterFunction: name,
          },
          { requiredKeys: ['connectionsTable', 'shards', 'mode', 'jwtAudience'] },
        ),
        (settings) => {
          // Arrange: the environment a construct writes
          const environment = lambdaEnvironment(settings);

          // Act
          const config = readEnvironment(environment);

          // Assert
          expect(config).toEqual(settings);
        },
      ),
    );
  });
});
