// EventStream against the real BFF's SSE route, through a TCP relay that cuts
// connections: events arrive validated, the stream reconnects with backoff and
// resumes with Last-Event-ID — no event lost, none twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenResponse, VersionResponse, type ServerEvent } from '../../../shared/api/index.js';
import type { ConnectionState } from '../../../shared/ipc/contract.js';
import { startDemoBff, startTcpRelay, waitFor, type DemoBff, type TcpRelay } from '../test-support/harness.js';
import { BffClient } from './bff-client.js';
import { EventStream, SSE_MAX_EVENT_CHARS, SSE_MAX_LINE_CHARS, SseLimitError, SseParser } from './event-stream.js';
import { createMemoryLogger } from './logger.js';

let bff: DemoBff;
let relay: TcpRelay;
let token: string;
let direct: BffClient;
let versionCounter = 0;

beforeAll(async () => {
  bff = await startDemoBff();
  relay = await startTcpRelay(bff.url);
  direct = new BffClient({ baseUrl: bff.url, logger: createMemoryLogger() });
  const tokens = await direct.request({ method: 'POST', path: '/auth/login', body: { username: 'olivia', password: 'demo-olivia' }, response: TokenResponse });
  token = tokens.access_token;
});
afterAll(async () => {
  await relay.close();
  await bff.stop();
});

/** Registers a new version of ltr-ranker: one version.registered event. */
async function registerVersion(): Promise<string> {
  versionCounter += 1;
  const version = `9.${versionCounter}.0`;
  await direct.request({
    method: 'POST',
    path: '/admin/models/ltr-ranker/versions',
    accessToken: token,
    idempotencyKey: `test-register-${versionCounter}-${process.pid}`,
    body: {
      version,
      artifact_uri: `s3://models/ltr-ranker/${version}/model.onnx`,
      checksum: 'a'.repeat(64),
      runtime: { device: 'cpu' },
      framework: 'lightgbm',
      export_format: 'onnx',
    },
    response: VersionResponse,
  });
  return version;
}

function stream(backoffs: number[]) {
  const client = new BffClient({ baseUrl: relay.url, logger: createMemoryLogger() });
  const events: ServerEvent[] = [];
  const states: ConnectionState[] = [];
  const eventStream = new EventStream({
    client,
    authorized: (call) => call(token),
    logger: createMemoryLogger(),
    backoffMs: (attempt) => {
      backoffs.push(attempt);
      return 5;
    },
  });
  eventStream.onEvent((event) => events.push(event));
  eventStream.onState((state) => states.push(state));
  return { eventStream, events, states };
}

describe('EventStream', () => {
  it('receives events, reconnects after a cut with Last-Event-ID, and misses none', async () => {
    const backoffs: number[] = [];
    const { eventStream, events, states } = stream(backoffs);
    eventStream.start();
    await waitFor(() => eventStream.state.state === 'connected', 'the first connection');
    const first = await registerVersion();
    await waitFor(() => events.length === 1, 'the first event');
    expect(events[0]!.data).toMatchObject({ type: 'version.registered', version: first });

    relay.cut();
    // Written while the console is disconnected: must arrive after the resume, once.
    const missed = [await registerVersion(), await registerVersion()];
    await waitFor(() => events.length === 3, 'the replayed events');
    expect(events.slice(1).map((event) => (event.data as { version: string }).version)).toEqual(missed);
    expect(backoffs).toEqual([1]);
    expect(states.map((state) => state.state)).toEqual(['connecting', 'connected', 'reconnecting', 'reconnecting', 'connected']);
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
    expect(eventStream.lastEventId).toBe(events[2]!.id);

    await eventStream.stop();
    expect(eventStream.state.state).toBe('idle');
  });

  it('backs off longer on every failed attempt and starts over once connected', async () => {
    const backoffs: number[] = [];
    const client = new BffClient({ baseUrl: 'http://127.0.0.1:9', logger: createMemoryLogger() });
    const eventStream = new EventStream({
      client,
      authorized: (call) => call(token),
      logger: createMemoryLogger(),
      backoffMs: (attempt) => (backoffs.push(attempt), 1),
    });
    eventStream.start();
    await waitFor(() => backoffs.length >= 3, 'three failed attempts');
    await eventStream.stop();
    expect(backoffs.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('resumes after the id it is given (sign-in again within one run)', async () => {
    const backoffs: number[] = [];
    const { eventStream, events } = stream(backoffs);
    const before = await registerVersion();
    const after = await registerVersion();
    // Look up the id of `before` from a full replay (after id 0).
    const all = stream([]);
    all.eventStream.start(0);
    await waitFor(() => all.events.some((event) => (event.data as { version?: string }).version === after), 'the full replay');
    await all.eventStream.stop();
    const beforeId = all.events.find((event) => (event.data as { version?: string }).version === before)!.id;

    eventStream.start(beforeId);
    await waitFor(() => events.length >= 1, 'the resumed event');
    await eventStream.stop();
    expect(events.map((event) => (event.data as { version?: string }).version)).toEqual([after]);
  });
});

describe('EventStream.reconnectNow (wake from sleep)', () => {
  it('drops a connection that looks alive and reconnects at once, skipping the backoff (Last-Event-ID: desktop-runtime.test.ts)', async () => {
    const backoffs: number[] = [];
    const client = new BffClient({ baseUrl: relay.url, logger: createMemoryLogger() });
    const events: ServerEvent[] = [];
    const eventStream = new EventStream({
      client,
      authorized: (call) => call(token),
      logger: createMemoryLogger(),
      // An hour: only reconnectNow can bring the stream back within the test.
      backoffMs: (attempt) => (backoffs.push(attempt), 3_600_000),
    });
    eventStream.onEvent((event) => events.push(event));
    eventStream.start();
    await waitFor(() => eventStream.state.state === 'connected', 'the first connection');
    const first = await registerVersion();
    await waitFor(() => events.length === 1, 'the first event');
    const accepted = relay.accepted;

    eventStream.reconnectNow();
    await waitFor(() => relay.accepted > accepted && eventStream.state.state === 'connected', 'the new connection');
    const second = await registerVersion();
    await waitFor(() => events.length === 2, 'the event after the reconnect');
    expect(events.map((event) => (event.data as { version: string }).version)).toEqual([first, second]);
    expect(backoffs).toEqual([]);
    await eventStream.stop();
    // Stopped: nothing to reconnect.
    eventStream.reconnectNow();
    expect(eventStream.state.state).toBe('idle');
  });
});

describe('SseParser', () => {
  it('handles split chunks, CRLF, comments, multi-line data and ids', () => {
    const seen: { id: string | undefined; event: string; data: string }[] = [];
    const parser = new SseParser((message) => seen.push(message));
    for (const chunk of ['retry: 3000\r\n\r\n: heartbeat\n\nid: 7\nev', 'ent: x\ndata: {"a"\ndata: :1}\r', '\n\r\n', 'data: y\n\n']) parser.push(chunk);
    expect(seen).toEqual([
      { id: '7', event: 'x', data: '{"a"\n:1}' },
      { id: '7', event: 'message', data: 'y' },
    ]);
  });

  it('bounds a line and an event: past the bounds it throws (the stream is dropped and made again) and keeps nothing', () => {
    const seen: string[] = [];
    const parser = new SseParser((message) => seen.push(message.data));
    // A line that never ends: before the fix it grew without limit.
    const chunk = 'x'.repeat(64 * 1024);
    expect(() => {
      parser.push('data: ');
      for (let sent = 0; sent <= SSE_MAX_LINE_CHARS; sent += chunk.length) parser.push(chunk);
    }).toThrow(SseLimitError);
    // An event of many short data lines, never dispatched.
    const lines = new SseParser((message) => seen.push(message.data));
    const line = `data: ${'y'.repeat(1000)}\n`;
    expect(() => {
      for (let sent = 0; sent <= 2 * SSE_MAX_EVENT_CHARS; sent += line.length) lines.push(line);
    }).toThrow(SseLimitError);
    expect(seen).toEqual([]);
    // A fresh parser after the reconnect reads normal events again.
    const fresh = new SseParser((message) => seen.push(message.data));
    fresh.push('data: ok\n\n');
    expect(seen).toEqual(['ok']);
  });
});
