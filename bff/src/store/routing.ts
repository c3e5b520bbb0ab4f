// The routing table consumers read: per model, where traffic goes and the
// salt that keeps request keys sticky to their bucket.
import type { Db } from './database.js';
import type { RoutingEntry } from '../../../shared/domain/deployment.js';

export async function listRouting(db: Db): Promise<RoutingEntry[]> {
  const rows = await db
    .selectFrom('deployments')
    .select(['model_id', 'stable_version', 'canary_version', 'canary_pct', 'salt'])
    .orderBy('model_id')
    .execute();
  return rows.map((row) => ({
    model_id: row.model_id,
    stable: row.stable_version,
    canary: row.canary_version,
    // Without a canary nothing can go to one, whatever the column says.
    canary_pct: row.canary_version !== null ? row.canary_pct : 0,
    salt: row.salt,
  }));
}
