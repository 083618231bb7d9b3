import type { TableKeyAttribute, TableKeys } from '@market-stream/core';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

const ATTRIBUTE_TYPES: Record<TableKeyAttribute['type'], dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

/** A table's key schema (core's `HISTORY_TABLE_KEYS`, `CONNECTIONS_TABLE_KEYS`) as CDK props. */
export function cdkTableKeys(
  keys: TableKeys,
): Pick<dynamodb.TableProps, 'partitionKey' | 'sortKey'> {
  return {
    partitionKey: { name: keys.partitionKey.name, type: ATTRIBUTE_TYPES[keys.partitionKey.type] },
    sortKey: { name: keys.sortKey.name, type: ATTRIBUTE_TYPES[keys.sortKey.type] },
  };
}
