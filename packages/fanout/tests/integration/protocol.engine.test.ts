import { afterAll, beforeAll, describe, it } from 'vitest';
import { type FanoutServer, serveFanout } from '../../src/index.js';
import { PROTOCOL_CASES, PROTOCOL_LIMITS, runProtocolCase } from './protocol.table.js';

describe('the protocol table on the engine (serveFanout, real ws sockets)', () => {
  let server: FanoutServer;

  beforeAll(async () => {
    server = await serveFanout({ host: '127.0.0.1', port: 0, limits: PROTOCOL_LIMITS });
  });

  afterAll(async () => {
    await server?.close();
  });

  it.each(PROTOCOL_CASES.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    await runProtocolCase(server.url, 'engine', row);
  });
});
