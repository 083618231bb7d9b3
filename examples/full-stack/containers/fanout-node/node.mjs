// A container fan-out node: every node reads the whole stream and serves its own WebSocket
// clients on PORT at /ws; the load balancer health-checks /healthz. Configured by
// ContainerFanoutService through the environment.
import { createServer } from 'node:http';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { serveFanout } from '@market-stream/fanout';
import { fromKinesis } from '@market-stream/sinks';
import { share } from 'rxjs';

const streamName = process.env.STREAM_NAME;
if (!streamName) throw new Error('STREAM_NAME is required');
const port = Number(process.env.PORT ?? 8080);
const mode = process.env.FANOUT_MODE === 'all' ? 'all' : 'latest';

const trades$ = fromKinesis({ client: new KinesisClient({}), streamName, from: 'latest' }).pipe(
  share(),
);
let fanout;
const server = createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok', ...fanout?.metrics.snapshot() }));
  } else if (request.url === '/metrics') {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(fanout?.metrics.toPrometheus() ?? '');
  } else {
    response.writeHead(404).end();
  }
});
server.listen(port, '0.0.0.0');
fanout = await serveFanout({ server, path: '/ws', source: trades$, mode });
console.log(JSON.stringify({ level: 'info', msg: 'fan-out node ready', port, mode }));

// ECS stops a task with SIGTERM: close clients with 1001 so they reconnect to another node.
process.once('SIGTERM', () => fanout.close().then(() => process.exit(0)));
