/** Kinesis event source of the events topology: publish each batch to AppSync Events, one event per symbol channel; partial batch response. */
export { eventsProcessor as handler } from '@market-stream/fanout/lambda';
