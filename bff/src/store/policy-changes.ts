// Repository of pending policy changes. Status changes are conditional on
// `pending` (compare-and-set), so a change is decided once.
import type { Db } from './database.js';
import { ModelPolicy } from '../../../shared/domain/model.js';
import { PolicyChange, type PolicyChangeStatus } from '../../../shared/domain/policy-change.js';
import type { PolicyChangeRow } from './schema.js';

function changeFromRow(row: PolicyChangeRow): PolicyChange {
  return PolicyChange.parse({
    id: row.id,
    model_id: row.model_id,
    proposed_by: row.proposed_by,
    proposed_at: row.proposed_at,
    before: ModelPolicy.parse(JSON.parse(row.before)),
    after: ModelPolicy.parse(JSON.parse(row.after)),
    loosens: JSON.parse(row.loosens) as unknown,
    status: row.status,
    decided_by: row.decided_by,
    decided_at: row.decided_at,
    expires_at: row.expires_at,
    ...(row.online_gate === null ? {} : { online_gate: JSON.parse(row.online_gate) as unknown }),
  });
}

export async function insertPolicyChange(db: Db, change: PolicyChange): Promise<void> {
  await db
    .insertInto('policy_changes')
    .values({
      id: change.id,
      model_id: change.model_id,
      proposed_by: change.proposed_by,
      proposed_at: change.proposed_at,
      before: JSON.stringify(change.before),
      after: JSON.stringify(change.after),
      loosens: JSON.stringify(change.loosens),
      status: change.status,
      decided_by: change.decided_by,
      decided_at: change.decided_at,
      expires_at: change.expires_at,
      online_gate: change.online_gate === undefined ? null : JSON.stringify(change.online_gate),
    })
    .execute();
}

export async function findPolicyChange(db: Db, id: string): Promise<PolicyChange | undefined> {
  const row = await db.selectFrom('policy_changes').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? changeFromRow(row) : undefined;
}

export async function listPolicyChanges(db: Db, status?: PolicyChangeStatus): Promise<PolicyChange[]> {
  let query = db.selectFrom('policy_changes').selectAll();
  if (status !== undefined) query = query.where('status', '=', status);
  const rows = await query.orderBy('proposed_at', 'desc').orderBy('id', 'desc').limit(200).execute();
  return rows.map(changeFromRow);
}

/** Decides a pending change; false when it was no longer pending. */
export async function resolvePolicyChange(
  db: Db,
  id: string,
  status: Exclude<PolicyChangeStatus, 'pending'>,
  decidedBy: string | null,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('policy_changes')
    .set({ status, decided_by: decidedBy, decided_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
