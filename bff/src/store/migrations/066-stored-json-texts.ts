// The registry's reads copy stored JSON texts instead of writing them per read
// (issue 12; docs/decisions/0013-registry-read-path.md): each model's summary
// gets its list item's head (the model, the summary's values and the
// deployment's state: everything but the dispatch view), and a table of its
// own holds each model's whole versions array, newest registration first
// (what the model detail sends; apart so the list's summary rows stay small). The store rewrites both in the same
// transaction as every change (store/model-summaries.ts writeStoredTexts);
// this fills them in for the models that exist, in batches.
//
// The SQL below is a frozen copy of what writeStoredTexts ran when this shipped
// (printed from its builders, one text per engine): a migration must keep doing
// what it did, whatever the store's builders become.
import { sql, type Kysely } from 'kysely';
import { engineOf } from '../engine.js';
import { portableTypes } from './portable.js';

const BATCH = 200;

/** Each summary's item head, on SQLite (json_quote) and on PostgreSQL (to_json); `where` follows. */
const ITEM_HEADS = {
  sqlite:
    "update \"model_summaries\" as \"s\" set \"item_head\" = (select format('{\"model\":{\"id\":%s,\"name\":%s,\"type\":%s,\"owner\":%s,\"description\":%s,\"tags\":%s,\"policy\":%s,\"created_at\":%s},\"active_version\":%s,\"candidate_versions\":%s,\"version_count\":%s,\"last_gate\":%s,\"deployment\":{\"phase\":%s,\"stable_version\":%s,\"canary_version\":%s,\"canary_pct\":%s', json_quote(\"m\".\"id\"), json_quote(\"m\".\"name\"), json_quote(\"m\".\"type\"), json_quote(\"m\".\"owner\"), json_quote(\"m\".\"description\"), coalesce(\"m\".\"tags\", 'null'), coalesce(\"m\".\"policy\", 'null'), json_quote(\"m\".\"created_at\"), json_quote(\"s\".\"active_version\"), coalesce(\"s\".\"candidate_versions\", 'null'), coalesce(cast(\"s\".\"version_count\" as text), 'null'), coalesce(\"s\".\"last_gate\", 'null'), json_quote(coalesce(d.phase, 'idle')), json_quote(\"d\".\"stable_version\"), json_quote(\"d\".\"canary_version\"), coalesce(cast(coalesce(d.canary_pct, 0) as text), 'null')) as \"item_head\" from \"models\" as \"m\" left join \"deployments\" as \"d\" on \"d\".\"model_id\" = \"m\".\"id\" where \"m\".\"id\" = \"s\".\"model_id\")",
  postgres:
    "update \"model_summaries\" as \"s\" set \"item_head\" = (select format('{\"model\":{\"id\":%s,\"name\":%s,\"type\":%s,\"owner\":%s,\"description\":%s,\"tags\":%s,\"policy\":%s,\"created_at\":%s},\"active_version\":%s,\"candidate_versions\":%s,\"version_count\":%s,\"last_gate\":%s,\"deployment\":{\"phase\":%s,\"stable_version\":%s,\"canary_version\":%s,\"canary_pct\":%s', coalesce(to_json(\"m\".\"id\")::text, 'null'), coalesce(to_json(\"m\".\"name\")::text, 'null'), coalesce(to_json(\"m\".\"type\")::text, 'null'), coalesce(to_json(\"m\".\"owner\")::text, 'null'), coalesce(to_json(\"m\".\"description\")::text, 'null'), coalesce(\"m\".\"tags\", 'null'), coalesce(\"m\".\"policy\", 'null'), coalesce(to_json(\"m\".\"created_at\")::text, 'null'), coalesce(to_json(\"s\".\"active_version\")::text, 'null'), coalesce(\"s\".\"candidate_versions\", 'null'), coalesce(cast(\"s\".\"version_count\" as text), 'null'), coalesce(\"s\".\"last_gate\", 'null'), coalesce(to_json(coalesce(d.phase, 'idle'))::text, 'null'), coalesce(to_json(\"d\".\"stable_version\")::text, 'null'), coalesce(to_json(\"d\".\"canary_version\")::text, 'null'), coalesce(cast(coalesce(d.canary_pct, 0) as text), 'null')) as \"item_head\" from \"models\" as \"m\" left join \"deployments\" as \"d\" on \"d\".\"model_id\" = \"m\".\"id\" where \"m\".\"id\" = \"s\".\"model_id\")",
};

/** Each model's versions array, on SQLite (group_concat) and on PostgreSQL (string_agg); `where` follows. */
const VERSIONS = {
  sqlite:
    "insert into \"model_versions_json\" (\"model_id\", \"versions_json\") select \"m\".\"id\", (select coalesce('[' || group_concat(format('{\"model_id\":%s,\"version\":%s,\"status\":%s,\"artifact_uri\":%s,\"checksum\":%s,\"runtime\":%s,\"framework\":%s,\"export_format\":%s,\"release_notes\":%s%s,\"metadata\":%s,\"created_at\":%s,\"created_by\":%s%s}', json_quote(\"v\".\"model_id\"), json_quote(\"v\".\"version\"), json_quote(\"v\".\"status\"), json_quote(\"v\".\"artifact_uri\"), json_quote(\"v\".\"checksum\"), coalesce(\"v\".\"runtime\", 'null'), json_quote(\"v\".\"framework\"), json_quote(\"v\".\"export_format\"), json_quote(\"v\".\"release_notes\"), (case when \"v\".\"supported_until\" is null then '' else ',\"supported_until\":' || json_quote(\"v\".\"supported_until\") end), coalesce(\"v\".\"metadata\", 'null'), json_quote(\"v\".\"created_at\"), json_quote(\"v\".\"created_by\"), (case when \"v\".\"deprecated_reason\" is null then '' else ',\"deprecated_reason\":' || json_quote(\"v\".\"deprecated_reason\") end)), ',' order by \"v\".\"seq\" desc) || ']', '[]') as \"t\" from \"model_versions\" as \"v\" where \"v\".\"model_id\" = \"m\".\"id\") as \"versions_json\" from \"models\" as \"m\"",
  postgres:
    "insert into \"model_versions_json\" (\"model_id\", \"versions_json\") select \"m\".\"id\", (select coalesce('[' || string_agg(format('{\"model_id\":%s,\"version\":%s,\"status\":%s,\"artifact_uri\":%s,\"checksum\":%s,\"runtime\":%s,\"framework\":%s,\"export_format\":%s,\"release_notes\":%s%s,\"metadata\":%s,\"created_at\":%s,\"created_by\":%s%s}', coalesce(to_json(\"v\".\"model_id\")::text, 'null'), coalesce(to_json(\"v\".\"version\")::text, 'null'), coalesce(to_json(\"v\".\"status\")::text, 'null'), coalesce(to_json(\"v\".\"artifact_uri\")::text, 'null'), coalesce(to_json(\"v\".\"checksum\")::text, 'null'), coalesce(\"v\".\"runtime\", 'null'), coalesce(to_json(\"v\".\"framework\")::text, 'null'), coalesce(to_json(\"v\".\"export_format\")::text, 'null'), coalesce(to_json(\"v\".\"release_notes\")::text, 'null'), (case when \"v\".\"supported_until\" is null then '' else ',\"supported_until\":' || coalesce(to_json(\"v\".\"supported_until\")::text, 'null') end), coalesce(\"v\".\"metadata\", 'null'), coalesce(to_json(\"v\".\"created_at\")::text, 'null'), coalesce(to_json(\"v\".\"created_by\")::text, 'null'), (case when \"v\".\"deprecated_reason\" is null then '' else ',\"deprecated_reason\":' || coalesce(to_json(\"v\".\"deprecated_reason\")::text, 'null') end)), ',' order by \"v\".\"seq\" desc) || ']', '[]') as \"t\" from \"model_versions\" as \"v\" where \"v\".\"model_id\" = \"m\".\"id\") as \"versions_json\" from \"models\" as \"m\"",
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the schema as it is at this point, not DB
export async function up(db: Kysely<any>): Promise<void> {
  const { text } = portableTypes(db);
  // Nullable: SQLite adds a NOT NULL column only with a default, and a default text would be no JSON.
  await db.schema.alterTable('model_summaries').addColumn('item_head', text).execute();
  await db.schema
    .createTable('model_versions_json')
    .addColumn('model_id', text, (c) => c.primaryKey().references('models.id'))
    .addColumn('versions_json', text, (c) => c.notNull())
    .execute();
  const engine = engineOf(db) === 'postgres' ? 'postgres' : 'sqlite';
  let after = '';
  for (;;) {
    const rows: { id: string }[] = await db.selectFrom('models').select('id').where('id', '>', after).orderBy('id').limit(BATCH).execute();
    if (rows.length === 0) return;
    const ids = sql.join(rows.map((row) => row.id));
    await sql`${sql.raw(ITEM_HEADS[engine])} where "s"."model_id" in (${ids})`.execute(db);
    await sql`${sql.raw(VERSIONS[engine])} where "m"."id" in (${ids})`.execute(db);
    after = rows[rows.length - 1]!.id;
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
