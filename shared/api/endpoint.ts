// One HTTP endpoint as both sides of the wire know it: method, path, the zod
// schemas of its parameters, query, body and answers, who may call it and
// which step-up purpose it spends. The BFF registers its routes from these
// (bff/src/routes/register-endpoint.ts); the main process calls through them
// (BffClient.call). Why one table: docs/decisions/0005-one-endpoint-table.md.
import { z } from 'zod';
import type { Role, ServiceRole } from '../domain/user.js';
import type { StepUpPurpose } from './auth.js';
import type { ErrorCode } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

/** Who may call an endpoint; deny by default (the BFF's access plugin enforces it). */
export interface EndpointAccess {
  /**
   * `public` needs no sign-in; `viewer` is satisfied by any role;
   * `service` admits no person at all (only the service roles below).
   */
  readonly role: Role | 'public' | 'service';
  /** Service roles that may call it too (none unless named). */
  readonly services?: readonly ServiceRole[];
  /** Risky endpoints also need a fresh, unused step-up token for this purpose. */
  readonly stepUp?: StepUpPurpose;
}

/** The 2xx statuses an endpoint may declare an answer for. */
export type SuccessStatus = 200 | 201 | 202 | 204;

export interface Endpoint {
  readonly method: HttpMethod;
  /** Below the BFF's base URL; `:name` segments are path parameters. */
  readonly path: `/${string}`;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Request headers the route reads (the event stream's Last-Event-ID). */
  readonly headers?: z.ZodType;
  /** The answer per 2xx status; absent for a stream or a document that is not JSON data. */
  readonly responses?: { readonly [status in SuccessStatus]?: z.ZodType };
  readonly access: EndpointAccess;
  /** OpenAPI tags. */
  readonly tags: readonly string[];
  /** OpenAPI description, where the schemas do not say it all. */
  readonly description?: string;
  /** Left out of the OpenAPI document (the document itself). */
  readonly hidden?: boolean;
  /**
   * Codes this endpoint answers with another status than their usual one (ERROR_STATUS),
   * where the code means something else here; say why beside the entry.
   */
  readonly errorStatus?: { readonly [code in ErrorCode]?: 400 | 401 | 403 | 409 | 428 };
}

/** The `:name` parameters of a path, as a union of names. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * An endpoint whose params schema names exactly its path's `:params`: a path
 * renamed without its schema (or the reverse) does not compile.
 */
type ParamsMatchPath<D extends Endpoint> = [PathParamNames<D['path']>] extends [never]
  ? { readonly params?: never }
  : D extends { params: infer S extends z.ZodType }
    ? Same<keyof z.output<S>, PathParamNames<D['path']>> extends true
      ? unknown
      : { readonly params: `the params schema must name exactly: ${PathParamNames<D['path']> & string}` }
    : { readonly params: `the path has parameters: ${PathParamNames<D['path']> & string}` };

/** Declares one endpoint; the literal types are kept, so callers and handlers are typed from it. */
export function defineEndpoint<const D extends Endpoint>(definition: D & ParamsMatchPath<D>): D {
  const names = [...definition.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]);
  if (names.length > 0 && !definition.params) throw new Error(`${definition.method} ${definition.path}: the path has parameters but no params schema`);
  return definition;
}

/** The schema an endpoint declares under `K` (params, query, body, headers), or undefined. */
export type SchemaOf<E, K extends string> = E extends { readonly [key in K]: infer S extends z.ZodType } ? S : undefined;

/** What a caller sends: path parameters, query and body as their schemas accept them. */
export type EndpointInput<E extends Endpoint> = (SchemaOf<E, 'params'> extends z.ZodType
  ? { params: z.input<SchemaOf<E, 'params'>> }
  : { params?: undefined }) &
  (SchemaOf<E, 'query'> extends z.ZodType ? { query?: z.input<SchemaOf<E, 'query'>> } : { query?: undefined }) &
  (SchemaOf<E, 'body'> extends z.ZodType ? { body: z.input<SchemaOf<E, 'body'>> } : { body?: undefined });

type ResponsesOf<E> = E extends { readonly responses: infer R } ? R : never;

/** What a caller gets back: any of the declared 2xx answers, parsed. */
export type EndpointResponse<E extends Endpoint> = {
  [S in keyof ResponsesOf<E> & SuccessStatus]: ResponsesOf<E>[S] extends z.ZodType ? z.output<ResponsesOf<E>[S]> : never;
}[keyof ResponsesOf<E> & SuccessStatus];

/** An endpoint that answers JSON data a client can call and check. */
export type CallableEndpoint = Endpoint & { readonly responses: NonNullable<Endpoint['responses']> };

/** The schema a 2xx answer must match: the one declared, or any of them when several are. */
export function successSchema(endpoint: CallableEndpoint): z.ZodType {
  const schemas = Object.values(endpoint.responses).filter((schema): schema is z.ZodType => schema !== undefined);
  const [first, ...rest] = schemas;
  if (!first) throw new Error(`${endpoint.method} ${endpoint.path} declares no answer`);
  return rest.length === 0 ? first : z.union([first, ...rest]);
}

/**
 * One path segment from a parameter value, percent-encoded. `.` and `..` are
 * refused: URL parsers resolve them (even as %2E) as "this" and "parent", so
 * the request would reach another route. No id the API knows can be either.
 */
export function encodePathSegment(value: string): string {
  if (value === '.' || value === '..') throw new Error(`"${value}" cannot be a path parameter`);
  return encodeURIComponent(value);
}

/** The path of `endpoint` with its parameters filled in, each URL-encoded; a missing, empty or dot-segment one throws. */
export function endpointPath(endpoint: Endpoint, params?: Readonly<Record<string, unknown>>): string {
  return endpoint.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || String(value) === '') {
      throw new Error(`${endpoint.method} ${endpoint.path}: parameter ${name} is missing`);
    }
    return encodePathSegment(String(value));
  });
}
