import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { answerRejectedRequests, HEADERS_TIMEOUT_MS, limitSlowClients, REQUEST_TIMEOUT_MS } from '../../src/server';

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
  answerRejectedRequests(server);
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
  expect(problemOf(answer)).toEqual({ status: 408, type: 'https://specialfunktion.dk/problems/request-timeout' });
  expect(Date.now() - started).toBeLessThan(5_000);
});

/** The problem in a raw HTTP answer: its status and type. */
function problemOf(answer: string): { status: number; type: string } {
  const [head, body] = answer.split('\r\n\r\n');
  expect(head).toMatch(/content-type: application\/problem\+json/i);
  const { status, type } = JSON.parse(body) as { status: number; type: string };
  return { status, type };
}

/** Send raw bytes to a server that answers what Node rejects before routing; the whole answer. */
async function rawAnswer(bytes: string): Promise<string> {
  const server: Server = createServer((_req, res) => res.end('routed'));
  answerRejectedRequests(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

it('answers a request that is not HTTP with 400 malformed-request as problem+json', async () => {
  const answer = await rawAnswer('HELLO THERE\r\n\r\n');
  expect(answer).toMatch(/^HTTP\/1\.1 400/);
  expect(problemOf(answer)).toEqual({ status: 400, type: 'https://specialfunktion.dk/problems/malformed-request' });
});

it('answers headers beyond the size limit with 431 headers-too-large as problem+json', async () => {
  const answer = await rawAnswer(`GET / HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
  expect(answer).toMatch(/^HTTP\/1\.1 431/);
  expect(problemOf(answer)).toEqual({ status: 431, type: 'https://specialfunktion.dk/problems/headers-too-large' });
});
