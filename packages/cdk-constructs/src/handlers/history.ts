/** `GET /api/trades` and `GET /api/bars` of {@link HistoryApi}; reads `HISTORY_TABLE`. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LAMBDA_ENV } from '@market-stream/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHistoryHandler } from '../internal/historyHandler.js';

let instance: ReturnType<typeof createHistoryHandler> | undefined;

export function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  if (!instance) {
    const tableName = process.env[LAMBDA_ENV.historyTable];
    if (!tableName) throw new Error(`${LAMBDA_ENV.historyTable} is not set`);
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    instance = createHistoryHandler({ client, tableName });
  }
  return instance(event);
}
