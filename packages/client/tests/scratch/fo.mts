import { serveFanout } from '@market-stream/fanout';

console.log(typeof serveFanout);
