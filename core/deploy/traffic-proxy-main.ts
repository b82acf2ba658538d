// The traffic proxy of a docker deployment, as its own long-running process:
//   traffic-proxy --listen HOST:PORT --upstream URL --control SOCKET
import { parseArgs } from 'node:util';
import { TrafficProxy } from './traffic-proxy.js';

const { values } = parseArgs({
  options: {
    listen: { type: 'string' },
    upstream: { type: 'string' },
    control: { type: 'string' },
  },
});
const [host, port] = (values.listen ?? '').split(/:(?=\d+$)/);
if (!host || !port || !values.upstream || !values.control) {
  process.stderr.write('usage: traffic-proxy --listen HOST:PORT --upstream URL --control SOCKET\n');
  process.exit(2);
}
const proxy = new TrafficProxy({
  host,
  port: Number(port),
  upstream: values.upstream,
  controlSocket: values.control,
});
try {
  await proxy.listen();
} catch (error) {
  process.stderr.write(`gantry proxy: cannot listen on ${values.listen}: ${(error as Error).message}\n`);
  process.exit(1);
}
process.stdout.write(`gantry proxy: ${values.listen} -> ${values.upstream}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    proxy.close().then(() => process.exit(0));
  });
}
