// A version row's JSON text and a model's versions array text, as the database
// writes them (json-text.ts says why). One definition for the two places that
// use it: the versions reads (versions.ts) and the stored versions text of each
// model's summary (model-summaries.ts), which must say exactly what the live
// aggregate says. Its own module so that neither of those imports the other.
import { sql } from 'kysely';
import type { Engine } from './engine.js';
import { jsonObjectText } from './json-text.js';
import type { VersionRow } from './schema.js';

/**
 * A version row (under `alias`, or unqualified) as versionFromStoredRow shapes
 * it in versions.ts: optional fields absent when NULL.
 */
export function versionJsonText(engine: Engine, alias?: string) {
  const ref = (column: keyof VersionRow) => sql.ref(alias === undefined ? column : `${alias}.${column}`);
  return jsonObjectText(engine, [
    { key: 'model_id', value: ref('model_id'), kind: 'text' },
    { key: 'version', value: ref('version'), kind: 'text' },
    { key: 'status', value: ref('status'), kind: 'text' },
    { key: 'artifact_uri', value: ref('artifact_uri'), kind: 'text' },
    { key: 'checksum', value: ref('checksum'), kind: 'text' },
    { key: 'runtime', value: ref('runtime'), kind: 'json' },
    { key: 'framework', value: ref('framework'), kind: 'text' },
    { key: 'export_format', value: ref('export_format'), kind: 'text' },
    { key: 'release_notes', value: ref('release_notes'), kind: 'text' },
    { key: 'supported_until', value: ref('supported_until'), kind: 'text', omitNull: true },
    { key: 'metadata', value: ref('metadata'), kind: 'json' },
    { key: 'created_at', value: ref('created_at'), kind: 'text' },
    { key: 'created_by', value: ref('created_by'), kind: 'text' },
    { key: 'deprecated_reason', value: ref('deprecated_reason'), kind: 'text', omitNull: true },
  ]);
}

/**
 * The aggregate of the version rows (under `alias`) a query groups into one
 * JSON array text, newest registration first; `[]` when there are none. Both
 * engines take ORDER BY inside the aggregate (SQLite since 3.44); the order of
 * a concatenation without it is documented as arbitrary.
 */
export function versionsArrayText(engine: Engine, alias: string) {
  const text = versionJsonText(engine, alias);
  const seq = sql.ref(`${alias}.seq`);
  const joined = engine === 'postgres' ? sql<string | null>`string_agg(${text}, ',' order by ${seq} desc)` : sql<string | null>`group_concat(${text}, ',' order by ${seq} desc)`;
  return sql<string>`coalesce('[' || ${joined} || ']', '[]')`;
}
