import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { emulatorManagementClient } from '../../../../tests/helpers/apiGateway.js';
import { createApiGatewayTransport, MemoryConnectionStore } from '../../src/index.js';
import {
  createConnectHandler,
  createDisconnectHandler,
  createMessageHandler,
} from '../../src/lambda.js';
import { type ApiGatewayEmulator, startApiGatewayEmulator } from '../../src/local.js';
import { PROTOCOL_CASES, PROTOCOL_LIMITS, runProtocolCase } from './protocol.table.js';

describe('the protocol table on the Lambda handlers (local API Gateway emulator)', () => {
  let emulator: ApiGatewayEmulator;
  let management: ApiGatewayManagementApiClient | undefined;

  beforeAll(async () => {
    const store = new MemoryConnectionStore();
    const message = createMessageHandler({
      store,
      limits: PROTOCOL_LIMITS,
      transport: () => {
        management ??= emulatorManagementClient(emulator.managementEndpoint);
        return createApiGatewayTransport({ client: management, store });
      },
    });
    emulator = await startApiGatewayEmulator({
      handlers: {
        connect: createConnectHandler({ store, limits: PROTOCOL_LIMITS }),
        disconnect: createDisconnectHandler({ store }),
        message: { subscribe: message, unsubscribe: message, ping: message, $default: message },
      },
    });
  });

  afterAll(async () => {
    management?.destroy();
    await emulator?.close();
  });

  it.each(PROTOCOL_CASES.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    await runProtocolCase(emulator.url, 'serverless', row);
  });
});
