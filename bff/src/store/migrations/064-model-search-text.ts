// The registry's `q` reads the same fields above the paging threshold (the BFF's
// search column) as below it (the console's in-memory filter): type, owner, the
// active version and the candidates join id, name, description and tags
// (shared/logic/model-search.ts). Rewrites every summary's search_text in batches.
// The formula is frozen here, as a migration must keep doing what it did when it
// shipped; the store's refresh uses the shared function from now on.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

const BATCH = 500;

function searchText(model: { id: string; name: string; description: string; type: string; owner: string; tags: string[] }, active: string | null, candidates: string[]): string {
  return [model.id, model.name, model.description, model.type, model.owner, model.tags.join(' '), active ?? '', candidates.join(' ')].join('\n').toLowerCase();
}

export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as unknown as Kysely<DB>;
  let after = '';
  for (;;) {
    const models = await db
      .selectFrom('models')
      .select(['id', 'name', 'description', 'type', 'owner', 'tags'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (models.length === 0) return;
    const live = await db
      .selectFrom('model_versions')
      .select(['model_id', 'version', 'status'])
      .where(
        'model_id',
        'in',
        models.map((model) => model.id),
      )
      .where('status', 'in', ['active', 'candidate'])
      .orderBy('seq')
      .execute();
    for (const model of models) {
      let active: string | null = null;
      const candidates: string[] = [];
      for (const row of live) {
        if (row.model_id !== model.id) continue;
        if (row.status === 'active') active = row.version;
        else candidates.push(row.version);
      }
      const text = searchText({ ...model, tags: JSON.parse(model.tags) as string[] }, active, candidates);
      await db.updateTable('model_summaries').set({ search_text: text }).where('model_id', '=', model.id).execute();
    }
    after = models[models.length - 1]!.id;
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
