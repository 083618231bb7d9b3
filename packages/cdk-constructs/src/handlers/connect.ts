/** `$connect` route: registers the connection in its shard (and checks the token when auth is set). */
export { connect as handler } from '@market-stream/fanout/lambda';
