/** Fans one connection shard out; invoked by the processor in large deployments. */
export { broadcaster as handler } from '@market-stream/fanout/lambda';
