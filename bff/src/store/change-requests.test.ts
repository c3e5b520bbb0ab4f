import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import { seedDemo } from '../seed/demo.js';
import { insertChangeRequest, pendingRequestsOfModel } from './change-requests.js';
import { testDatabase } from '../testing/harness.js';
import { openDatabase, type Db } from './database.js';

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'change-requests-'));
  db = await openDatabase(await testDatabase(dir, 'test.db'));
  await seedDemo(db, new Date());
});

afterAll(async () => {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

const at = new Date().toISOString();
const pending = (id: string): ChangeRequest => ({
  id,
  model_id: 'ltr-ranker',
  action: 'start_canary',
  from_version: '2.0.0',
  target_version: '2.1.0',
  target_pct: 5,
  target_checksum: 'a'.repeat(64),
  expected_state_version: 1,
  requested_by: 'olivia',
  requested_at: at,
  requester_auth_time: at,
  justification: 'test',
  gate_snapshot: null,
  gate_override: true,
  required_approvals: 1,
  intent_digest: 'b'.repeat(64),
  status: 'pending',
  decisions: [],
  expires_at: at,
  resolved_at: null,
});

describe('change requests store', () => {
  it('lets the database refuse a second pending request for one model', async () => {
    expect(await insertChangeRequest(db, pending('req_first0000'), 'ravi')).toBe(true);
    expect(await insertChangeRequest(db, pending('req_second000'), 'ravi')).toBe(false);
    expect((await pendingRequestsOfModel(db, 'ltr-ranker')).map((request) => request.id)).toEqual(['req_first0000']);
  });
});
