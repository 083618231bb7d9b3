/** `$disconnect` route: removes the connection from its shard. */
export { disconnect as handler } from '@market-stream/fanout/lambda';
