// window.modelOps, derived from the IPC contract: its type and the one builder
// that the preload (and the e2e harness's browser binding) install.
import {
  INVOKE_CHANNELS,
  PUSH_CHANNELS,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcResult,
  type PushChannel,
  type PushPayload,
} from './contract.js';

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type DomainOf<C extends string> = C extends `app:${infer Domain}:${string}` ? Domain : never;
type VerbOf<C extends string> = C extends `app:${string}:${infer Verb}` ? Verb : never;

/** Channels whose request has no required field can be called without an argument. */
type InvokeMethod<C extends InvokeChannel> =
  Record<string, never> extends InvokeRequest<C>
    ? (request?: InvokeRequest<C>) => Promise<IpcResult<InvokeResponse<C>>>
    : (request: InvokeRequest<C>) => Promise<IpcResult<InvokeResponse<C>>>;

export type Unsubscribe = () => void;

/**
 * `app:models:register-version` -> `modelOps.models.registerVersion(request)`;
 * push `app:session:expired` -> `modelOps.on.sessionExpired(listener)`.
 */
export type ModelOpsApi = {
  readonly [Domain in DomainOf<InvokeChannel>]: {
    readonly [C in InvokeChannel as DomainOf<C> extends Domain ? Camel<VerbOf<C>> : never]: InvokeMethod<C>;
  };
} & {
  readonly on: {
    readonly [C in PushChannel as Camel<`${DomainOf<C>}-${VerbOf<C>}`>]: (listener: (payload: PushPayload<C>) => void) => Unsubscribe;
  };
};

/** What carries messages: ipcRenderer in the preload, a Playwright binding in e2e. */
export interface IpcTransport {
  invoke(channel: InvokeChannel, payload: unknown): Promise<unknown>;
  subscribe(channel: PushChannel, listener: (payload: unknown) => void): Unsubscribe;
}

const camel = (text: string) => text.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** [domain, method] of an invoke channel, e.g. ['models', 'registerVersion']. */
export function invokeMethodPath(channel: InvokeChannel): [string, string] {
  const [, domain, verb] = channel.split(':') as [string, string, string];
  return [domain, camel(verb)];
}

/** Listener name of a push channel, e.g. 'sessionExpired'. */
export function pushMethodName(channel: PushChannel): string {
  const [, domain, verb] = channel.split(':') as [string, string, string];
  return camel(`${domain}-${verb}`);
}

/**
 * Builds the API object from the contract. Plain objects of functions only, so
 * contextBridge can copy it. The main process validates every payload; a
 * transport failure (e.g. a value structured clone cannot copy) becomes an
 * `invalid_ipc_payload` error value, never a rejected promise.
 */
export function buildModelOpsApi(transport: IpcTransport): ModelOpsApi {
  const api: Record<string, Record<string, unknown>> = { on: {} };
  for (const channel of Object.keys(INVOKE_CHANNELS) as InvokeChannel[]) {
    const [domain, method] = invokeMethodPath(channel);
    api[domain] ??= {};
    api[domain][method] = async (request?: unknown): Promise<IpcResult<unknown>> => {
      try {
        return (await transport.invoke(channel, request ?? {})) as IpcResult<unknown>;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { code: 'invalid_ipc_payload', message: `The request could not be sent: ${message}` } };
      }
    };
  }
  for (const channel of Object.keys(PUSH_CHANNELS) as PushChannel[]) {
    api.on![pushMethodName(channel)] = (listener: (payload: unknown) => void): Unsubscribe => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      return transport.subscribe(channel, (payload) => listener(payload));
    };
  }
  return api as unknown as ModelOpsApi;
}
