import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A provider for the channel figures, in its own process as a real one is:
 * in the reactor's process its request handling would count against the
 * reactor. It answers every POST with 200 and keeps the bodies;
 * GET /received?from=N gives those from the N-th on.
 */

const received: string[] = [];
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/received')) {
    const from = Number(new URL(req.url, 'http://x').searchParams.get('from') ?? 0);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received.slice(from)));
    return;
  }
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.push(body);
    res.writeHead(200).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.stdin.on('end', () => process.exit(0)).resume();
