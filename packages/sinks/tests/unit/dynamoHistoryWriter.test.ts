import { describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { dynamoHistoryWriter, SinkDeliveryError } from '../../src/index.js';
import { fakeDynamo, invalid } from '../helpers/fakeClients.js';

describe('dynamoHistoryWriter()', () => {
  it('resolves once every trade of the batch is stored', async () => {
    // Arrange
    const fake = fakeDynamo();
    const write = dynamoHistoryWriter({ client: fake.client, tableName: 'history' });
    const trades = tradeSequence(['AAPL', 'MSFT', 'TSLA'], 10);

    // Act
    await write(trades);

    // Assert
    expect(fake.table.size).toBe(30);
  });

  it('rejects with a SinkDeliveryError naming the trades the table refused', async () => {
    // Arrange
    const fake = fakeDynamo({ answer: () => invalid() });
    const write = dynamoHistoryWriter({ client: fake.client, tableName: 'history' });
    const trades = tradeSequence(['AAPL', 'MSFT', 'TSLA'], 1);

    // Act
    const outcome = write(trades);

    // Assert
    await expect(outcome).rejects.toBeInstanceOf(SinkDeliveryError);
    await outcome.catch((error: SinkDeliveryError) => {
      expect(error.code).toBe('SINK_DELIVERY_FAILED');
      expect(error.records).toHaveLength(3);
    });
  });
});
