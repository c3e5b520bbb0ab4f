// A client of HAProxy's Runtime API (the "stats socket" at level admin): one
// command per connection, one line each; HAProxy answers and closes. No
// library: the protocol is text over TCP or a unix socket (node:net).
import { connect, type Socket } from 'node:net';
import { DispatchError } from './dispatch-error.js';

export const RUNTIME_API_TIMEOUT_MS = 3000;
/** An answer longer than this is not one we asked for. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface RuntimeApi {
  /** Sends one command and resolves with HAProxy's whole answer. */
  command(line: string): Promise<string>;
}

function openSocket(address: string): Socket {
  if (address.startsWith('unix://')) return connect({ path: address.slice('unix://'.length) });
  const match = /^tcp:\/\/\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address);
  if (!match) throw new DispatchError(`not a Runtime API address: ${address}`, true);
  return connect({ host: match[1], port: Number(match[2]) });
}

/** A Runtime API at `tcp://HOST:PORT` or `unix:///path`. */
export function runtimeApi(address: string, timeoutMs = RUNTIME_API_TIMEOUT_MS): RuntimeApi {
  return {
    command: (line) =>
      new Promise<string>((resolve, reject) => {
        // A newline inside a command would smuggle a second one.
        if (/[\r\n]/.test(line)) {
          reject(new DispatchError('a Runtime API command is one line', true));
          return;
        }
        const socket = openSocket(address);
        const chunks: Buffer[] = [];
        let size = 0;
        const fail = (message: string) => {
          socket.destroy();
          reject(new DispatchError(`HAProxy Runtime API ${address}: ${message}`, false));
        };
        socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
        socket.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
        socket.on('connect', () => socket.write(`${line}\n`));
        socket.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) fail('answer too large');
          else chunks.push(chunk);
        });
        socket.on('end', () => {
          socket.destroy();
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
      }),
  };
}

export interface ServerState {
  name: string;
  /** The weight HAProxy uses now (srv_uweight). */
  weight: number;
  /** The weight from the configuration file (srv_iweight). */
  initialWeight: number;
}

/**
 * Parses `show servers state BACKEND` (format version 1): a version line, a
 * `#` header naming the columns, then one line per server. Columns are found
 * by name so later HAProxy versions that append columns still parse.
 */
export function parseServersState(answer: string, backend: string): ServerState[] {
  const lines = answer.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  if (lines.some((line) => /^Can't find backend/i.test(line))) {
    throw new DispatchError(`HAProxy has no backend "${backend}"`, true);
  }
  const header = lines.find((line) => line.startsWith('#'));
  if (!header) throw new DispatchError(`unexpected answer to "show servers state ${backend}": ${answer.slice(0, 200)}`, false);
  const columns = header.slice(1).trim().split(/\s+/);
  const column = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new DispatchError(`"show servers state" has no ${name} column`, false);
    return index;
  };
  const [backendColumn, nameColumn, weightColumn, initialColumn] = [column('be_name'), column('srv_name'), column('srv_uweight'), column('srv_iweight')];
  const servers: ServerState[] = [];
  for (const line of lines) {
    if (line.startsWith('#') || /^\d+$/.test(line)) continue;
    const fields = line.split(/\s+/);
    if (fields[backendColumn] !== backend) continue;
    const weight = Number(fields[weightColumn]);
    const initialWeight = Number(fields[initialColumn]);
    const name = fields[nameColumn];
    if (!name || !Number.isInteger(weight) || !Number.isInteger(initialWeight)) {
      throw new DispatchError(`unexpected server line from HAProxy: ${line.slice(0, 200)}`, false);
    }
    servers.push({ name, weight, initialWeight });
  }
  return servers;
}

/** The servers of `backend` with their current weights. */
export async function serversOf(api: RuntimeApi, backend: string): Promise<ServerState[]> {
  return parseServersState(await api.command(`show servers state ${backend}`), backend);
}

/** Sets one server's weight; HAProxy answers nothing on success and a sentence otherwise. */
export async function setServerWeight(api: RuntimeApi, backend: string, server: string, weight: number): Promise<void> {
  const answer = (await api.command(`set server ${backend}/${server} weight ${weight}`)).trim();
  if (answer.length > 0) throw new DispatchError(`HAProxy refused weight ${weight} for ${backend}/${server}: ${answer.slice(0, 200)}`, true);
}
