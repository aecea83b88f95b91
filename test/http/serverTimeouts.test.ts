import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { HEADERS_TIMEOUT_MS, limitSlowClients, REQUEST_TIMEOUT_MS } from '../../src/server';

/** Issue 13.7: a slow client cannot hold a connection for minutes before its request is complete. */
it('gives the headers at most 10 s and the whole request at most 60 s', () => {
  const server = createServer();
  limitSlowClients(server);
  expect(HEADERS_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
  expect(REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(60_000);
  expect(server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
  expect(server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
});

it('cuts off a body that trickles in past the request timeout', async () => {
  // The same settings, shortened so the test takes a second: Node checks them every connectionsCheckingInterval.
  const server: Server = createServer({ connectionsCheckingInterval: 100 }, (req, res) => {
    req.resume();
    req.on('end', () => res.end('done'));
  });
  limitSlowClients(server);
  server.headersTimeout = 500;
  server.requestTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const started = Date.now();
  const answer = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    });
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('close', () => resolve(text));
    const drip = setInterval(() => socket.writable && socket.write(' '), 100);
    socket.on('close', () => clearInterval(drip));
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  expect(answer).toMatch(/^HTTP\/1\.1 408/);
  expect(Date.now() - started).toBeLessThan(5_000);
});
