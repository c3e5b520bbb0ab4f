// Test support for webhook dispatch: the README's receiver run as its own
// Node process (the exact code a reader copies), and a scripted receiver that
// records every delivery and answers what a test tells it to.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './haproxy.js';

const README = join(fileURLToPath(new URL('.', import.meta.url)), '../../../README.md');

/** The receiver code block of README.md, between its markers. */
export async function readmeReceiverCode(): Promise<string> {
  const text = await readFile(README, 'utf8');
  const match = /<!-- webhook-receiver:start -->\s*```js\n([\s\S]*?)```\s*<!-- webhook-receiver:end -->/.exec(text);
  if (!match?.[1]) throw new Error('README.md has no webhook receiver block');
  return match[1];
}

export interface ReadmeReceiver {
  url: string;
  /** States the receiver applied (its stdout lines). */
  applied: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Writes the README's receiver into `dir` and runs it with `node` on a free port. */
export async function startReadmeReceiver(dir: string, secret: string): Promise<ReadmeReceiver> {
  const file = join(dir, 'receiver.mjs');
  await writeFile(file, await readmeReceiverCode());
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [file], {
    env: { PATH: process.env.PATH ?? '', MODELOPS_WEBHOOK_SECRET: secret, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const applied: Array<Record<string, unknown>> = [];
  let buffer = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      applied.push(JSON.parse(buffer.slice(0, end)) as Record<string, unknown>);
      buffer = buffer.slice(end + 1);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the README receiver exited: ${errors}`);
    const up = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).then(
      (response) => response.status === 401,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the README receiver did not listen: ${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}/modelops`,
    applied,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface RecordedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface ScriptedReceiver {
  url: string;
  deliveries: RecordedDelivery[];
  /** What the next deliveries are answered with; `hold` keeps the request open without an answer. */
  answer: number | 'hold';
  stop(): Promise<void>;
}

export async function startScriptedReceiver(port = 0): Promise<ScriptedReceiver> {
  const held: ServerResponse[] = [];
  const receiver: ScriptedReceiver = { url: '', deliveries: [], answer: 204, stop: async () => undefined };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = receiver.answer;
    receiver.deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status: answer === 'hold' ? 0 : answer });
    if (answer === 'hold') held.push(response);
    else if (answer >= 300 && answer < 400) response.writeHead(answer, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    else response.writeHead(answer).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/hook`;
  receiver.stop = () =>
    new Promise<void>((resolve) => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
