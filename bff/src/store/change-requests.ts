// Repository of change requests and their decisions. Status changes are
// conditional on the status read (compare-and-set) so a request is resolved once.
import type { Db } from './database.js';
import { ChangeRequest, Decision, GateRun, type RequestStatus } from '../../../shared/domain/change-request.js';
import { GateResult } from '../../../shared/domain/gate.js';
import { engineOf } from './engine.js';
import type { ChangeRequestRow } from './schema.js';

/** A request as stored: the wire shape plus who registered its target (barred from approving). */
export interface StoredRequest {
  request: ChangeRequest;
  targetRegisteredBy: string;
}

function requestFromRow(row: ChangeRequestRow, decisions: Decision[]): ChangeRequest {
  return ChangeRequest.parse({
    id: row.id,
    model_id: row.model_id,
    action: row.action,
    from_version: row.from_version,
    target_version: row.target_version,
    target_pct: row.target_pct,
    target_checksum: row.target_checksum,
    expected_state_version: row.expected_state_version,
    requested_by: row.requested_by,
    requested_at: row.requested_at,
    requester_auth_time: row.requester_auth_time,
    justification: row.justification,
    gate_snapshot: row.gate_snapshot === null ? null : GateResult.parse(JSON.parse(row.gate_snapshot)),
    gate_override: row.gate_override === 1,
    ...(row.gate_run === null ? {} : { gate_run: GateRun.parse(JSON.parse(row.gate_run)) }),
    required_approvals: row.required_approvals,
    intent_digest: row.intent_digest,
    status: row.status,
    decisions,
    expires_at: row.expires_at,
    resolved_at: row.resolved_at,
  });
}

async function decisionsOf(db: Db, requestIds: readonly string[]): Promise<Map<string, Decision[]>> {
  const byRequest = new Map<string, Decision[]>(requestIds.map((id) => [id, []]));
  if (requestIds.length === 0) return byRequest;
  const rows = await db.selectFrom('decisions').selectAll().where('request_id', 'in', requestIds).orderBy('at').orderBy('by').execute();
  for (const { request_id, ...decision } of rows) byRequest.get(request_id)!.push(Decision.parse(decision));
  return byRequest;
}

async function withDecisions(db: Db, rows: ChangeRequestRow[]): Promise<ChangeRequest[]> {
  const decisions = await decisionsOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => requestFromRow(row, decisions.get(row.id) ?? []));
}

/** Inserts a request; false when the model already has a pending one (the index refused it). */
export async function insertChangeRequest(db: Db, request: ChangeRequest, targetRegisteredBy: string): Promise<boolean> {
  const result = await db
    .insertInto('change_requests')
    .values({
      id: request.id,
      model_id: request.model_id,
      action: request.action,
      from_version: request.from_version,
      target_version: request.target_version,
      target_pct: request.target_pct,
      target_checksum: request.target_checksum,
      target_registered_by: targetRegisteredBy,
      expected_state_version: request.expected_state_version,
      requested_by: request.requested_by,
      requested_at: request.requested_at,
      requester_auth_time: request.requester_auth_time,
      justification: request.justification,
      gate_snapshot: request.gate_snapshot === null ? null : JSON.stringify(request.gate_snapshot),
      gate_override: request.gate_override ? 1 : 0,
      gate_run: request.gate_run === undefined ? null : JSON.stringify(request.gate_run),
      required_approvals: request.required_approvals,
      intent_digest: request.intent_digest,
      status: request.status,
      expires_at: request.expires_at,
      resolved_at: request.resolved_at,
    })
    .onConflict((conflict) => conflict.doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

/**
 * `forUpdate` (inside a deciding transaction): on PostgreSQL the row stays
 * locked until the transaction ends, so a decision on another replica waits
 * and then reads the outcome instead of deciding the same request again.
 * SQLite has one writer and no FOR UPDATE.
 */
export async function findChangeRequest(db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<StoredRequest | undefined> {
  let query = db.selectFrom('change_requests').selectAll().where('id', '=', id);
  if (options.forUpdate && engineOf(db) === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const [request] = await withDecisions(db, [row]);
  return { request: request!, targetRegisteredBy: row.target_registered_by };
}

export async function pendingRequestsOfModel(db: Db, modelId: string): Promise<ChangeRequest[]> {
  const rows = await db
    .selectFrom('change_requests')
    .selectAll()
    .where('status', '=', 'pending')
    .where('model_id', '=', modelId)
    .orderBy('requested_at')
    .execute();
  return withDecisions(db, rows);
}

/** Pending requests whose time ran out at `now` (ISO instants compare as text). */
export async function duePendingRequests(db: Db, now: string): Promise<ChangeRequest[]> {
  const rows = await db
    .selectFrom('change_requests')
    .selectAll()
    .where('status', '=', 'pending')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .execute();
  return withDecisions(db, rows);
}

export interface RequestPageFilter {
  status?: RequestStatus | undefined;
  modelId?: string | undefined;
  /** Keyset: requests strictly older than this (requested_at, id) pair. */
  before?: { requestedAt: string; id: string } | undefined;
  limit: number;
}

/** Newest first by (requested_at, id). */
export async function listChangeRequests(db: Db, filter: RequestPageFilter): Promise<ChangeRequest[]> {
  let query = db.selectFrom('change_requests').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.modelId) query = query.where('model_id', '=', filter.modelId);
  const before = filter.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('requested_at', '<', before.requestedAt),
        eb.and([eb('requested_at', '=', before.requestedAt), eb('id', '<', before.id)]),
      ]),
    );
  }
  const rows = await query.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return withDecisions(db, rows);
}

/**
 * Moves a request from `pending` to `status`. The `where status = 'pending'`
 * makes this the single point where a request is resolved: of two concurrent
 * resolutions only one updates a row. Returns whether this call did.
 */
export async function resolvePendingRequest(
  db: Db,
  id: string,
  status: Exclude<RequestStatus, 'pending'>,
  resolvedAt: string,
): Promise<boolean> {
  const result = await db
    .updateTable('change_requests')
    .set({ status, resolved_at: resolvedAt })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function insertDecision(db: Db, requestId: string, decision: Decision): Promise<void> {
  await db
    .insertInto('decisions')
    .values({ request_id: requestId, ...decision })
    .execute();
}
