// Probe of local mode's start (compiled by the bff-registry benchmark, run by plain
// node as a fresh process): starts the embedded BFF exactly as the console's main
// process does (unix socket, demo seed into a new database), signs in as the console
// does (SessionService.signInLocal: the handle opens a demo user's session in-process,
// docs/decisions/0014-local-mode-sign-in.md), and reads the registry's first page over the socket.
// Prints the moments since the process started, in ms, as one JSON line.
import { existsSync } from 'node:fs';
import http from 'node:http';
import { startEmbeddedBff } from '../../electron/main/local-mode/start-local-bff.js';

const dbFile = process.argv[2]!;
const loaded = performance.now();
const handle = await startEmbeddedBff({ dbFile, seedDemo: !existsSync(dbFile) });
const listening = performance.now();

function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      {
        socketPath: handle.socketPath,
        path,
        method,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

const tokens = await handle.signIn('olivia');
if (!tokens) throw new Error('olivia is not a local user');
const signedIn = performance.now();
const token = tokens.access_token;
const models = await call('GET', '/admin/models', undefined, token);
if (models.status !== 200) throw new Error(`models ${models.status}`);
const firstData = performance.now();
// CPU time of the whole process (every thread) until then: a figure a loaded machine disturbs less than wall time.
const usage = process.cpuUsage();
const cpu = (usage.user + usage.system) / 1000;
process.stdout.write(`${JSON.stringify({ loaded, listening, signedIn, firstData, cpu, bytes: models.text.length })}\n`);
await handle.close();
