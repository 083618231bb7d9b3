import { nagFindings } from './tests/unit/helpers/cdk.js';
import { synthesizeSystem } from './tests/unit/helpers/tickerSystem.js';

const topo = (process.argv[2] ?? 'serverless') as 'serverless' | 'containers';
const t0 = Date.now();
const s = synthesizeSystem(topo);
console.log('synth ms', Date.now() - t0);
const f = nagFindings(s.app);
for (const x of f) console.log(x.severity, x.rule, x.paths.slice(0, 3).join(' | '));
console.log('nag ms', Date.now() - t0);
