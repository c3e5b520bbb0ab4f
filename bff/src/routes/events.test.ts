import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, ServerEvent } from '../../../shared/api/events.js';
import { appendEvent } from '../store/event-log.js';
import { startTestBff, type TestBff } from '../testing/harness.js';

let bff: TestBff;
let token: string;

beforeAll(async () => {
  bff = await startTestBff({ users: [{ username: 'vera', roles: ['viewer'] }], socket: true });
  token = (await bff.login('vera')).access_token;
});
afterAll(async () => bff?.stop());

function versionRegistered(version: string): EventPayload {
  return { type: 'version.registered', model_id: 'ltr', version, by: 'olivia' };
}

async function publish(version: string): Promise<number> {
  const id = await bff.ctx.db.transaction().execute((trx) => appendEvent(trx, new Date().toISOString(), versionRegistered(version)));
  bff.ctx.events.wake();
  return id;
}

interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** A minimal SSE reader over fetch: collects frames as they arrive. */
async function connect(headers: Record<string, string> = {}, query = '') {
  const controller = new AbortController();
  const response = await fetch(`${bff.url}/admin/events${query}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: controller.signal,
  });
  const frames: SseFrame[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let split;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const frame: SseFrame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            const match = /^(id|event|data): (.*)$/.exec(line);
            if (match) frame[match[1] as 'id' | 'event' | 'data'] = match[2];
          }
          frames.push(frame);
          waiters.splice(0).forEach((wake) => wake());
        }
      }
    } catch {
      // aborted
    }
    ended = true;
    waiters.splice(0).forEach((wake) => wake());
  })();
  const events = () => frames.filter((f) => f.data !== undefined).map((f) => JSON.parse(f.data!) as ServerEvent);
  return {
    response,
    frames,
    events,
    get ended() {
      return ended;
    },
    async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (ended || Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => controller.abort(),
  };
}

describe('GET /admin/events', () => {
  it('needs a signed-in viewer', async () => {
    const response = await fetch(`${bff.url}/admin/events`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('replays stored events, streams new ones, and resumes after Last-Event-ID without duplicates', async () => {
    const e1 = await publish('1.0.0');
    const e2 = await publish('1.1.0');

    // Without an id a subscriber starts at now; last_event_id=0 replays everything.
    const fresh = await connect();
    const first = await connect({}, '?last_event_id=0');
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await first.waitFor(() => first.events().length === 2);
    expect(first.events().map((e) => e.id)).toEqual([e1, e2]);
    expect(first.frames.find((f) => f.data)).toMatchObject({ id: String(e1), event: 'version.registered' });

    // A second client connects after e2, then e3 is appended: both receive it once.
    const second = await connect({ 'last-event-id': String(e2) });
    const e3 = await publish('1.2.0');
    await first.waitFor(() => first.events().length === 3);
    await second.waitFor(() => second.events().length === 1);
    expect(second.events()[0]).toMatchObject({ id: e3, data: { type: 'version.registered', version: '1.2.0' } });
    expect(Date.parse(second.events()[0]!.at)).toBeGreaterThan(0);

    // Reconnect from e1 (header) and from e3 (query): exactly what came after.
    const resumed = await connect({ 'last-event-id': String(e1) });
    await resumed.waitFor(() => resumed.events().length === 2);
    const fromQuery = await connect({}, `?last_event_id=${e3}`);
    const e4 = await publish('1.3.0');
    await resumed.waitFor(() => resumed.events().length === 3);
    await fromQuery.waitFor(() => fromQuery.events().length === 1);
    expect(resumed.events().map((e) => e.id)).toEqual([e2, e3, e4]);
    expect(fromQuery.events().map((e) => e.id)).toEqual([e4]);
    await first.waitFor(() => first.events().length === 4);
    expect(first.events().map((e) => e.id)).toEqual([e1, e2, e3, e4]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(second.events().map((e) => e.id)).toEqual([e3, e4]);
    expect(fresh.events().map((e) => e.id)).toEqual([e3, e4]);

    for (const client of [fresh, first, second, resumed, fromQuery]) client.close();
  });

  it('delivers rows written without a wake (another process) through its poll', async () => {
    const client = await connect({ 'last-event-id': '999999' });
    const after = await connect({}, '?last_event_id=0');
    await after.waitFor(() => after.events().length >= 4);
    const before = after.events().length;
    await appendEvent(bff.ctx.db, new Date().toISOString(), versionRegistered('2.0.0'));
    await after.waitFor(() => after.events().length === before + 1, 5000);
    client.close();
    after.close();
  });

  it('rejects a malformed Last-Event-ID', async () => {
    const response = await fetch(`${bff.url}/admin/events`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': 'abc' } });
    expect(response.status).toBe(400);
  });

  it('ends open streams when the server closes', async () => {
    const own = await startTestBff({ users: [{ username: 'vera', roles: ['viewer'] }], socket: true });
    const ownToken = (await own.login('vera')).access_token;
    const response = await fetch(`${own.url}/admin/events`, { headers: { authorization: `Bearer ${ownToken}` } });
    const reader = response.body!.getReader();
    await reader.read();
    const started = Date.now();
    await own.stop();
    // The stream ends (done) rather than hanging the close.
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
