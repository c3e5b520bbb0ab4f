// The IPC contract's own rules: channel names, derived API names, and that no
// response or push can carry a secret back to the renderer.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { INVOKE_CHANNELS, IpcErrorCode, PUSH_CHANNELS, ipcResult, type InvokeChannel, type PushChannel } from './contract.js';
import { buildModelOpsApi, invokeMethodPath, pushMethodName, type IpcTransport } from './api.js';

const SECRET_KEY = /token|password|secret|totp|credential/i;
/** Names that match SECRET_KEY but hold no secret: `secret_set` is the literal `true` a webhook target shows instead of its secret. */
const NOT_SECRET = new Set(['secret_set']);

/** Every property name a schema can produce, found through its JSON Schema. */
function propertyNames(schema: z.ZodType): string[] {
  const names: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object') names.push(...Object.keys(value));
      walk(value);
    }
  };
  walk(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }));
  return names;
}

describe('IPC contract', () => {
  it('names every channel app:<domain>:<verb> in kebab-case', () => {
    for (const name of [...Object.keys(INVOKE_CHANNELS), ...Object.keys(PUSH_CHANNELS)]) {
      expect(name).toMatch(/^app:[a-z]+:[a-z]+(?:-[a-z]+)*$/);
    }
  });

  it('derives distinct API method names', () => {
    const invokeNames = (Object.keys(INVOKE_CHANNELS) as InvokeChannel[]).map((c) => invokeMethodPath(c).join('.'));
    expect(new Set(invokeNames).size).toBe(invokeNames.length);
    expect(invokeMethodPath('app:models:register-version')).toEqual(['models', 'registerVersion']);
    const pushNames = (Object.keys(PUSH_CHANNELS) as PushChannel[]).map(pushMethodName);
    expect(new Set(pushNames).size).toBe(pushNames.length);
    expect(pushMethodName('app:navigation:open-request')).toBe('navigationOpenRequest');
  });

  it('never sends a token or password to the renderer', () => {
    // The walk does see secrets where they belong (requests), so an empty list below means something.
    expect(propertyNames(INVOKE_CHANNELS['app:approvals:approve'].request)).toContain('password');
    for (const [name, spec] of Object.entries(INVOKE_CHANNELS)) {
      expect(propertyNames(spec.response).filter((key) => SECRET_KEY.test(key) && !NOT_SECRET.has(key)), name).toEqual([]);
    }
    for (const [name, schema] of Object.entries(PUSH_CHANNELS)) {
      expect(propertyNames(schema).filter((key) => SECRET_KEY.test(key)), name).toEqual([]);
    }
  });

  it('carries the BFF error codes unchanged next to the client ones', () => {
    expect(IpcErrorCode.options).toContain('self_approval');
    expect(IpcErrorCode.options).toContain('bad_response');
    const envelope = ipcResult(z.number());
    expect(envelope.safeParse({ ok: true, value: 1 }).success).toBe(true);
    expect(envelope.safeParse({ ok: false, error: { code: 'stale_state', message: 'x' } }).success).toBe(true);
    expect(envelope.safeParse({ ok: false, error: { code: 'made_up', message: 'x' } }).success).toBe(false);
  });
});

describe('buildModelOpsApi', () => {
  it('routes each method to its channel and turns transport failures into error values', async () => {
    const sent: [string, unknown][] = [];
    const listeners = new Map<string, (payload: unknown) => void>();
    const transport: IpcTransport = {
      invoke: async (channel, payload) => {
        sent.push([channel, payload]);
        if (channel === 'app:audit:verify') throw new Error('An object could not be cloned.');
        return { ok: true, value: 'answer' };
      },
      subscribe: (channel, listener) => {
        listeners.set(channel, listener);
        return () => listeners.delete(channel);
      },
    };
    const api = buildModelOpsApi(transport);
    await expect(api.models.get({ model_id: 'ltr-ranker' })).resolves.toEqual({ ok: true, value: 'answer' });
    await expect(api.session.state()).resolves.toEqual({ ok: true, value: 'answer' });
    expect(sent).toEqual([
      ['app:models:get', { model_id: 'ltr-ranker' }],
      ['app:session:state', {}],
    ]);
    const failed = await api.audit.verify();
    expect(failed).toMatchObject({ ok: false, error: { code: 'invalid_ipc_payload' } });

    const seen: unknown[] = [];
    const unsubscribe = api.on.navigationOpenRequest((payload) => seen.push(payload.request_id));
    listeners.get('app:navigation:open-request')?.({ request_id: 'req_12345678' });
    expect(seen).toEqual(['req_12345678']);
    unsubscribe();
    expect(listeners.has('app:navigation:open-request')).toBe(false);
  });
});
