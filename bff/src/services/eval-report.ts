// Signed eval-report export (README.md#offline-review): a model, chosen versions,
// their runs with delta and gate, who exported it and when, signed with the
// BFF's active key; every export is audited with the digest of what was signed.
import type { ModelVersion } from '../../../shared/domain/model.js';
import type { Deployment } from '../../../shared/domain/deployment.js';
import { canonicalJson, sha256Hex } from '../../../shared/logic/canonical-json.js';
import { effectiveGatePolicy } from '../../../shared/logic/gate.js';
import { EvalReport, REPORT_MAX_RUNS, REPORT_MAX_VERSIONS, REPORT_SCHEMA_VERSION, type SignedReport } from '../../../shared/report/report.js';
import type { BffContext } from '../context.js';
import { fail } from '../errors.js';
import type { Principal } from './principal.js';
import { appendAudit } from '../store/audit-log.js';
import { listEvalRuns } from '../store/eval-runs.js';
import { newId } from '../store/ids.js';
import { listVersions } from '../store/versions.js';
import { auditHead } from './audit-checkpoint.js';
import { evalRunResult } from './evaluation.js';
import { requireDeployment, requireModel } from './registry.js';
import { signReport, signingKeysOf } from './report-signing.js';

export interface ExportedReport {
  signed: SignedReport;
  /** The JSON text sent to the client: exactly the values that were signed. */
  body: string;
}

/**
 * Without a choice, the report is about what a reviewer would ask: the live
 * canary (else the newest candidate) against the stable version. A model with
 * neither gets the versions that have runs, newest registration first.
 */
export function defaultReportVersions(versions: readonly ModelVersion[], deployment: Deployment, versionsWithRuns: ReadonlySet<string>): string[] {
  const stable = deployment.stable_version ?? versions.find((version) => version.status === 'active')?.version ?? null;
  const challenger = deployment.canary_version ?? versions.find((version) => version.status === 'candidate')?.version ?? null;
  const chosen = [...new Set([challenger, stable].filter((version): version is string => version !== null))];
  if (chosen.length > 0) return chosen;
  return versions
    .filter((version) => versionsWithRuns.has(version.version))
    .slice(0, REPORT_MAX_VERSIONS)
    .map((version) => version.version);
}

export async function exportEvalReport(
  ctx: BffContext,
  principal: Principal,
  modelId: string,
  requested: readonly string[] | undefined,
): Promise<ExportedReport> {
  const keys = signingKeysOf(ctx);
  const at = ctx.now().toISOString();
  // One transaction: the report reads one consistent state, and it leaves only if its audit entry commits.
  return ctx.db.transaction().execute(async (trx) => {
    const model = await requireModel(trx, modelId);
    const deployment = await requireDeployment(trx, modelId);
    const allVersions = await listVersions(trx, modelId);
    const allRuns = await listEvalRuns(trx, modelId);

    const byName = new Map(allVersions.map((version) => [version.version, version]));
    const missing = (requested ?? []).filter((name) => !byName.has(name));
    if (missing.length > 0) fail('not_found', `model ${modelId} has no version ${missing.join(', ')}`, { versions: missing });
    const chosen = requested ?? defaultReportVersions(allVersions, deployment, new Set(allRuns.map((run) => run.version)));
    const chosenSet = new Set(chosen);
    const runs = allRuns.filter((run) => chosenSet.has(run.version));

    // Parsed so that the signed values are exactly what any schema-1 reader will see (no defaults or normalisation left to apply).
    const report = EvalReport.parse({
      schema_version: REPORT_SCHEMA_VERSION,
      report_id: newId('rpt'),
      model,
      deployment,
      gate_policy: effectiveGatePolicy(model),
      versions: chosen.map((name) => byName.get(name)!),
      runs: runs.slice(0, REPORT_MAX_RUNS).map((run) => evalRunResult(model, run)),
      runs_omitted: Math.max(0, runs.length - REPORT_MAX_RUNS),
      exported_by: { username: principal.username, display_name: principal.displayName },
      exported_at: at,
      bff_origin: ctx.settings.publicOrigin || 'unknown',
      // The chain's head before this export's own entry: a reviewer holding the file can later ask the BFF
      // whether that entry is still there unchanged (GET /admin/audit/verify?known_seq=&known_hash=).
      audit_head: await auditHead(trx, ctx.now()),
    });
    const signed = await signReport({ ...keys, db: trx }, report);
    await appendAudit(trx, {
      at,
      actor: principal.username,
      action: 'report.exported',
      target: `model:${modelId}`,
      details: {
        model_id: modelId,
        report_id: report.report_id,
        versions: [...chosen],
        runs: report.runs.length,
        key_id: signed.signature.key_id,
        // Ties the audit trail to the exact document: anyone holding the file can recompute it.
        report_sha256: await sha256Hex(canonicalJson(report)),
      },
    });
    return { signed, body: JSON.stringify(signed) };
  });
}
