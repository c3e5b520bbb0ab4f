// A model's versions in semantic-version order as an index range scan (issue
// 12): each version gets `version_key` (shared/logic/semver-key.ts), whose
// byte order is semver precedence, filled in for existing rows here and
// written with every new version by store/versions.ts.
import type { Kysely } from 'kysely';
import { semverSortKey } from '../../../../shared/logic/semver-key.js';
import { portableTypes } from './portable.js';

const BATCH = 1000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the schema as it is at this point, not DB
export async function up(db: Kysely<any>): Promise<void> {
  const { text } = portableTypes(db);
  await db.schema.alterTable('model_versions').addColumn('version_key', text).execute();
  let after = 0;
  for (;;) {
    const rows: { seq: number; version: string }[] = await db
      .selectFrom('model_versions')
      .select(['seq', 'version'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      await db.updateTable('model_versions').set({ version_key: semverSortKey(row.version) }).where('seq', '=', row.seq).execute();
    }
    after = Number(rows[rows.length - 1]!.seq);
  }
  await db.schema.createIndex('model_versions_model_key').on('model_versions').columns(['model_id', 'version_key', 'seq']).execute();
  await db.schema.createIndex('model_versions_model_status_key').on('model_versions').columns(['model_id', 'status', 'version_key', 'seq']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
