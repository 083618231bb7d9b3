import {
  ListShardsCommand,
  type ListShardsCommandOutput,
  type Shard,
} from '@aws-sdk/client-kinesis';

// ListShards answers at most 10,000 shards a page and a stream has at most a few thousand
// open (plus closed ones within retention); 1,000 pages is far beyond any real stream.
const MAX_PAGES = 1_000;

/**
 * Every shard of a stream (open and closed within retention), following `NextToken` pages. A
 * follow-up page names only the token, as the API requires.
 *
 * @param send - Sends one ListShards request (with retries and cancellation).
 * @param streamName - The stream.
 * @internal
 */
export async function listAllShards(
  send: (command: ListShardsCommand) => Promise<ListShardsCommandOutput>,
  streamName: string,
): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const output = await send(
      new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }),
    );
    shards.push(...(output.Shards ?? []));
    nextToken = output.NextToken;
    if (!nextToken) break;
  }
  return shards;
}
