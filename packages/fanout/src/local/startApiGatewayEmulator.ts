import type { ApiGatewayEmulator, ApiGatewayEmulatorOptions } from './apiGatewayEmulatorTypes.js';
import { LocalApiGateway } from './LocalApiGateway.js';

/**
 * Starts a local stand-in for an API Gateway WebSocket API on loopback: it accepts WebSocket
 * clients, invokes the route handlers with API Gateway-shaped events (`requestContext` with
 * `routeKey`, `eventType`, `connectionId`, `domainName`, `stage`, `apiId`; `headers` and
 * `queryStringParameters` on `$connect`; `body` and `isBase64Encoded` on messages), and
 * serves the `@connections` management API (POST send, GET info, DELETE disconnect) so the
 * real `@aws-sdk/client-apigatewaymanagementapi` client works against it unchanged.
 *
 * Behaviour copied from API Gateway: a `$connect` result outside 2xx (or a throw, as 500)
 * refuses the upgrade with that HTTP status; a `Sec-WebSocket-Protocol` header in the
 * `$connect` result selects the subprotocol; `$disconnect` runs once per connection after it
 * closes, whoever closed it; frames over 128 KB close the connection with 1009; a
 * PostToConnection to a closed or unknown id is a 410 GoneException; a payload over 128 KB is
 * a 413 PayloadTooLargeException; a request target that cannot be parsed (`//`, `http://[`) or
 * a stage or connection id that is not valid percent-encoded UTF-8 (`/%E0%A4%A/…`) is a 400
 * (BadRequestException on the management API), an upgrade to any path but the stage a 404.
 * No request, header or client reset can crash the process. Differences: messages of one connection are handled one
 * at a time in arrival order (API Gateway may run them concurrently); route responses are
 * not sent back (the handlers reply through `@connections`); signatures, the 2-hour and
 * 10-minute idle limits and the account rate limit are not enforced (use `throttleNext` to
 * exercise 429 handling).
 *
 * Why not an existing package: serverless-offline emulates WebSocket APIs only as a plugin
 * of the Serverless Framework CLI (configured by serverless.yml, not started from code),
 * LocalStack's API Gateway v2 WebSocket support is in its paid image and needs Docker, and
 * `local-aws-api-gateway` is a global CLI driven by mapping files with no stage path, so
 * none can be started in-process by a test with handler functions.
 *
 * @param options - Handlers, port, stage; see {@link ApiGatewayEmulatorOptions}.
 * @returns The running emulator, once it listens.
 *
 * @example
 * ```ts
 * import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
 * import { startApiGatewayEmulator } from '@market-stream/fanout/local';
 * import WebSocket from 'ws';
 *
 * const emulator = await startApiGatewayEmulator({
 *   handlers: {
 *     message: {
 *       $default: async (event) => {
 *         const client = new ApiGatewayManagementApiClient({
 *           endpoint: emulator.managementEndpoint, region: 'us-east-1',
 *           credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
 *         });
 *         await client.send(new PostToConnectionCommand({
 *           ConnectionId: event.requestContext.connectionId, Data: `echo ${event.body}`,
 *         }));
 *       },
 *     },
 *   },
 * });
 * const socket = new WebSocket(emulator.url);
 * socket.on('open', () => socket.send('hello'));
 * socket.on('message', async (data) => { console.log(String(data)); socket.close(); await emulator.close(); });
 * ```
 */
export async function startApiGatewayEmulator(
  options: ApiGatewayEmulatorOptions,
): Promise<ApiGatewayEmulator> {
  const gateway = new LocalApiGateway(options);
  await gateway.listen();
  return gateway;
}
