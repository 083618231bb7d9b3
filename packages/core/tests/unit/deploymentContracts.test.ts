import {
  CONNECTIONS_TABLE_KEYS,
  HISTORY_TABLE_KEYS,
  LAMBDA_ENV,
  lambdaEnvironment,
} from '@market-stream/core';
import { describe, expect, it } from 'vitest';

describe('lambdaEnvironment()', () => {
  it('writes each set field under its LAMBDA_ENV name, numbers in decimal', () => {
    // Arrange
    const settings = { connectionsTable: 'connections', shards: 4, mode: 'all' as const };

    // Act
    const environment = lambdaEnvironment(settings);

    // Assert
    expect(environment).toEqual({
      CONNECTIONS_TABLE: 'connections',
      CONNECTION_SHARDS: '4',
      FANOUT_MODE: 'all',
    });
  });

  it('leaves out undefined and empty fields', () => {
    // Arrange
    const settings = { historyTable: 'history', jwtIssuer: '', endpoint: undefined };

    // Act
    const environment = lambdaEnvironment(settings);

    // Assert
    expect(environment).toEqual({ [LAMBDA_ENV.historyTable]: 'history' });
  });
});

describe('HISTORY_TABLE_KEYS and CONNECTIONS_TABLE_KEYS', () => {
  it.each([
    ['HISTORY_TABLE_KEYS', HISTORY_TABLE_KEYS],
    ['CONNECTIONS_TABLE_KEYS', CONNECTIONS_TABLE_KEYS],
  ])('%s: pk/sk strings, in both the CDK and the CreateTableCommand shape', (_, keys) => {
    // Arrange / Act: the constants themselves

    // Assert
    expect(keys.partitionKey).toEqual({ name: 'pk', type: 'S' });
    expect(keys.sortKey).toEqual({ name: 'sk', type: 'S' });
    expect(keys.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
    expect(keys.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Object.isFrozen(keys.KeySchema)).toBe(true);
  });
});
