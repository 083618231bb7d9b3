import type { BroadcastRequest } from './createShardBroadcaster.js';

/** Lambda's asynchronous invocation payload limit is 256 KB; stay well under it. */
const MAX_INVOKE_PAYLOAD_BYTES = 240 * 1024;

type LambdaModule = typeof import('@aws-sdk/client-lambda');
let lambda:
  | Promise<{ module: LambdaModule; client: InstanceType<LambdaModule['LambdaClient']> }>
  | undefined;

/**
 * Hands one shard of a batch to the broadcaster function with an asynchronous Invoke
 * (`InvocationType: 'Event'`). `@aws-sdk/client-lambda` is an optional peer dependency,
 * loaded on first use. A batch too large for one invocation payload is split into several
 * requests for the same shard, in order (in `all` mode a connection then gets one message
 * per part).
 *
 * @param functionName - The broadcaster function's name or ARN.
 * @param request - The shard, mode and trades.
 * @returns Once every part is accepted by Lambda (not run).
 *
 * @example
 * ```ts
 * import { createStreamProcessor, invokeBroadcaster } from '@market-stream/fanout/lambda';
 *
 * export const handler = createStreamProcessor({
 *   store,
 *   broadcast: (request) => invokeBroadcaster('ticker-broadcaster', request),
 * });
 * ```
 */
export async function invokeBroadcaster(
  functionName: string,
  request: BroadcastRequest,
): Promise<void> {
  lambda ??= import('@aws-sdk/client-lambda').then((module) => ({
    module,
    client: new module.LambdaClient({}),
  }));
  const { module, client } = await lambda;
  for (const part of splitRequest(request)) {
    await client.send(
      new module.InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(part)),
      }),
    );
  }
}

function splitRequest(request: BroadcastRequest): BroadcastRequest[] {
  const parts: BroadcastRequest[] = [];
  let trades: BroadcastRequest['trades'] = [];
  let bytes = 100;
  for (const trade of request.trades) {
    const size = Buffer.byteLength(JSON.stringify(trade)) + 1;
    if (trades.length > 0 && bytes + size > MAX_INVOKE_PAYLOAD_BYTES) {
      parts.push({ ...request, trades });
      trades = [];
      bytes = 100;
    }
    trades.push(trade);
    bytes += size;
  }
  if (trades.length > 0) parts.push({ ...request, trades });
  return parts;
}
