// Initial schema. Migrations are append-only: never edit one that has shipped
// (the PostgreSQL variants below leave the SQLite schema exactly as it was).
import { sql, type Kysely } from 'kysely';
import { portableTypes } from './portable.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const { text, autoIncrementKey } = portableTypes(db);
  await db.schema
    .createTable('users')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('username', text, (c) => c.notNull().unique())
    .addColumn('display_name', text, (c) => c.notNull())
    .addColumn('password_hash', text, (c) => c.notNull())
    .addColumn('roles', text, (c) => c.notNull())
    .addColumn('totp_secret', text)
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', text)
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', text, (c) => c.notNull().unique())
    .addColumn('family_id', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('revoked_at', text)
    .addColumn('replaced_by', text)
    .execute();
  await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();

  await db.schema
    .createTable('step_up_tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_id', text, (c) => c.notNull().references('users.id'))
    .addColumn('purpose', text)
    .addColumn('auth_time', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('used_at', text)
    .execute();

  await db.schema
    .createTable('models')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('owner', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('tags', text, (c) => c.notNull())
    .addColumn('policy', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('models_type').on('models').column('type').execute();

  await db.schema
    .createTable('model_versions')
    .addColumn('seq', 'integer', autoIncrementKey)
    .addColumn('model_id', text, (c) => c.notNull().references('models.id'))
    .addColumn('version', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull().check(sql`status in ('active', 'candidate', 'deprecated')`))
    .addColumn('artifact_uri', text, (c) => c.notNull())
    .addColumn('checksum', text, (c) => c.notNull())
    .addColumn('runtime', text, (c) => c.notNull())
    .addColumn('framework', text, (c) => c.notNull())
    .addColumn('export_format', text, (c) => c.notNull())
    .addColumn('release_notes', text, (c) => c.notNull())
    .addColumn('supported_until', text)
    .addColumn('metadata', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .addColumn('deprecated_reason', text)
    .addUniqueConstraint('model_versions_model_version', ['model_id', 'version'])
    .execute();
  // The database itself refuses a second active version of a model.
  await sql`create unique index model_versions_one_active on model_versions (model_id) where status = 'active'`.execute(db);
  await db.schema.createIndex('model_versions_status').on('model_versions').columns(['status', 'model_id']).execute();

  await db.schema
    .createTable('eval_runs')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('model_id', text, (c) => c.notNull().references('models.id'))
    .addColumn('version', text, (c) => c.notNull())
    .addColumn('baseline_version', text, (c) => c.notNull())
    .addColumn('dataset_name', text, (c) => c.notNull())
    .addColumn('dataset_hash', text, (c) => c.notNull())
    .addColumn('started_at', text, (c) => c.notNull())
    .addColumn('finished_at', text, (c) => c.notNull())
    .addColumn('metrics', text, (c) => c.notNull())
    .addColumn('baseline_metrics', text, (c) => c.notNull())
    .addColumn('reported_by', text, (c) => c.notNull())
    .addColumn('reported_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('eval_runs_model').on('eval_runs').columns(['model_id', 'finished_at']).execute();

  await db.schema
    .createTable('deployments')
    .addColumn('model_id', text, (c) => c.primaryKey().references('models.id'))
    .addColumn('stable_version', text)
    .addColumn('canary_version', text)
    .addColumn('canary_pct', 'integer', (c) => c.notNull().check(sql`canary_pct between 0 and 100`))
    .addColumn('phase', text, (c) => c.notNull())
    .addColumn('state_version', 'integer', (c) => c.notNull())
    .addColumn('previous_stable', text)
    .addColumn('salt', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addCheckConstraint('deployments_canary_needs_stable', sql`canary_version is null or stable_version is not null`)
    .execute();

  await db.schema
    .createTable('change_requests')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('model_id', text, (c) => c.notNull().references('models.id'))
    .addColumn('action', text, (c) => c.notNull())
    .addColumn('from_version', text)
    .addColumn('target_version', text, (c) => c.notNull())
    .addColumn('target_pct', 'integer', (c) => c.notNull())
    .addColumn('target_checksum', text, (c) => c.notNull())
    .addColumn('target_registered_by', text, (c) => c.notNull())
    .addColumn('expected_state_version', 'integer', (c) => c.notNull())
    .addColumn('requested_by', text, (c) => c.notNull())
    .addColumn('requested_at', text, (c) => c.notNull())
    .addColumn('requester_auth_time', text, (c) => c.notNull())
    .addColumn('justification', text, (c) => c.notNull())
    .addColumn('gate_snapshot', text)
    .addColumn('gate_override', 'integer', (c) => c.notNull())
    .addColumn('required_approvals', 'integer', (c) => c.notNull())
    .addColumn('intent_digest', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('resolved_at', text)
    .execute();
  await db.schema.createIndex('change_requests_status').on('change_requests').columns(['status', 'requested_at']).execute();
  await db.schema.createIndex('change_requests_model').on('change_requests').columns(['model_id', 'requested_at']).execute();

  await db.schema
    .createTable('decisions')
    .addColumn('request_id', text, (c) => c.notNull().references('change_requests.id'))
    .addColumn('by', text, (c) => c.notNull())
    .addColumn('at', text, (c) => c.notNull())
    .addColumn('decision', text, (c) => c.notNull())
    .addColumn('comment', text, (c) => c.notNull())
    .addColumn('auth_time', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('decisions_pk', ['request_id', 'by'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', text, (c) => c.notNull())
    .addColumn('actor', text, (c) => c.notNull())
    .addColumn('action', text, (c) => c.notNull())
    .addColumn('target', text, (c) => c.notNull())
    .addColumn('details', text, (c) => c.notNull())
    .addColumn('prev_hash', text, (c) => c.notNull())
    .addColumn('hash', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'seq']).execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target', 'seq']).execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'integer', autoIncrementKey)
    .addColumn('at', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('payload', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', text, (c) => c.notNull())
    .addColumn('key', text, (c) => c.notNull())
    .addColumn('method', text, (c) => c.notNull())
    .addColumn('route', text, (c) => c.notNull())
    .addColumn('request_hash', text, (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
