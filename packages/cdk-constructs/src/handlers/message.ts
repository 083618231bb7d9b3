/** `subscribe`, `unsubscribe`, `ping` and `$default` routes. */
export { message as handler } from '@market-stream/fanout/lambda';
