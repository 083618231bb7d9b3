import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The real `@connections` management client, pointed at the local API Gateway emulator: dummy
 * credentials (the emulator does not sign-check), a fixed region, and one attempt per call, so
 * a test sees every call the code under test makes.
 */
export function emulatorManagementClient(endpoint: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}
