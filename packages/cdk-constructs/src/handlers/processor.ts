/** Kinesis event source: decode, optional history, fan out to every shard; partial batch response. */
export { processor as handler } from '@market-stream/fanout/lambda';
