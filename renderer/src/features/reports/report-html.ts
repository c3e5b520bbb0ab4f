// The eval report as one self-contained HTML page: inline CSS, charts as
// inline SVG, no script and nothing fetched, so any browser shows it offline.
// It carries no verdict (a page cannot prove itself): the signed JSON is the
// verifiable form, and the page says so. Every text from the report is escaped.
import type { GateResult, MetricDelta } from '../../../../shared/domain/gate.js';
import type { SignedReport } from '../../../../shared/report/report.js';
import { formatDateTime, formatInteger, formatMetric, formatPercent, formatSignedMetric } from '../../lib/format.js';
import { shortFailure } from '../../ui/GateBadge.js';
import { newestFirst, type Comparison } from '../evals/eval-view.js';

export type ReportPageCharts = {
  /** Relative change of each metric in the main comparison. */
  delta: string | null;
  /** One trend line per metric, oldest run to newest. */
  trends: Array<{ metric: string; svg: string }>;
};

export type ReportPageInput = {
  signed: SignedReport;
  /** The pair the page leads with (the versions the report was exported for). */
  comparison: Comparison | null;
  charts: ReportPageCharts;
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values alike: nothing in a report can open a tag or leave an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

const esc = escapeHtml;

/**
 * An echarts SVG as inline markup, or null when it holds anything but drawing:
 * scripts, event handlers, links, foreign HTML or references to other
 * resources. The namespace declarations are dropped (inline SVG in HTML needs
 * none), so the page names no URL at all, and so are its hover styles.
 */
export function inlineSvg(svg: string): string | null {
  const cleaned = svg
    .replace(/^\s*<\?xml[^>]*\?>\s*/, '')
    .replace(/\s+xmlns(?::[a-z]+)?="[^"]*"/gi, '')
    // echarts' server-side output carries :hover rules for interactive pages; inline in HTML they would style the whole page.
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    .trim();
  if (!/^<svg[\s>]/i.test(cleaned) || !/<\/svg>$/i.test(cleaned)) return null;
  // url(#…) names a clip path inside the same SVG; any other url() would fetch.
  if (/<script|<foreignobject|<iframe|<image|<use\b|\son[a-z]+\s*=|href\s*=|url\s*\(\s*['"]?(?!#)|javascript:|@import|https?:/i.test(cleaned)) return null;
  return cleaned;
}

const STYLE = `
:root { color-scheme: light; --text: #1a1d23; --muted: #545d69; --border: #e1e4ea; --subtle: #f1f3f6; --good: #17794a; --good-soft: #e3f3ea; --bad: #c02c45; --bad-soft: #fbe8eb; --warn: #9a5b00; --warn-soft: #fcf1dc; --accent: #4a5bd4; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; color: var(--text); background: #f6f7f9; }
main { max-width: 1040px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 16px 0 8px; }
section { background: #fff; border: 1px solid var(--border); border-radius: 10px; padding: 16px 20px; margin: 16px 0; }
.banner { background: var(--warn-soft); border-bottom: 1px solid #ecd6ad; padding: 12px 24px; }
.banner p { max-width: 1040px; margin: 0 auto; }
.meta, .muted { color: var(--muted); }
.mono, code { font-family: ui-monospace, 'SFMono-Regular', 'Cascadia Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 13px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
caption { caption-side: top; text-align: left; color: var(--muted); font-size: 12px; padding: 0 0 4px; }
tbody th { font-weight: 500; }
tbody th .muted { font-weight: 400; font-size: 12px; }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); background: var(--subtle); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.better { color: var(--good); font-weight: 600; }
.worse { color: var(--bad); font-weight: 600; }
.same, .none { color: var(--muted); }
tr.failed { background: var(--bad-soft); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.badge.passed { background: var(--good-soft); color: var(--good); }
.badge.failed { background: var(--bad-soft); color: var(--bad); }
.checks { margin: 8px 0 0; padding-left: 20px; }
.checks .failed { color: var(--bad); }
figure { margin: 12px 0; }
figcaption { color: var(--muted); font-size: 12px; margin-bottom: 4px; }
figure svg { max-width: 100%; height: auto; }
.trends { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 8px 24px; }
details { border-top: 1px solid var(--border); padding: 6px 0; }
summary { cursor: pointer; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12px; margin: 24px 0; }
@media print { body { background: #fff; } section { break-inside: avoid; } }
`;

const VERDICT_TEXT = { better: 'better', worse: 'worse', same: 'no change' } as const;

function deltaCell(delta: MetricDelta, kind: 'abs' | 'rel'): string {
  const value = kind === 'abs' ? delta.abs : delta.rel;
  if (value === null || delta.verdict === null) return '<td class="num none">—</td>';
  const arrow = value > 0 ? '▲ ' : value < 0 ? '▼ ' : '';
  const text = kind === 'abs' ? formatSignedMetric(value) : formatPercent(value, true);
  return `<td class="num ${delta.verdict}">${arrow}${esc(text)}</td>`;
}

function deltaTable(deltas: readonly MetricDelta[], gate: GateResult, candidate: string, baseline: string): string {
  const rows = deltas
    .map((d) => {
      const failed = gate.failed_metrics.includes(d.metric);
      const verdict = d.verdict === null ? '<td class="none">n/a</td>' : `<td class="${d.verdict}">${VERDICT_TEXT[d.verdict]}${failed ? ' (gate failed)' : ''}</td>`;
      return (
        `<tr${failed ? ' class="failed"' : ''}><th scope="row"><span class="mono">${esc(d.metric)}</span> <span class="muted">${d.direction === 'higher_is_better' ? '↑ higher is better' : '↓ lower is better'}</span></th>` +
        `<td class="num">${esc(formatMetric(d.baseline))}</td><td class="num">${esc(formatMetric(d.candidate))}</td>${deltaCell(d, 'abs')}${deltaCell(d, 'rel')}${verdict}</tr>`
      );
    })
    .join('');
  return (
    `<table><caption class="muted">${esc(candidate)} compared with ${esc(baseline)}</caption>` +
    `<thead><tr><th scope="col">Metric</th><th scope="col" class="num">Baseline ${esc(baseline)}</th><th scope="col" class="num">Candidate ${esc(candidate)}</th><th scope="col" class="num">Δ abs</th><th scope="col" class="num">Δ rel</th><th scope="col">Verdict</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`
  );
}

function gateBadge(gate: GateResult): string {
  if (gate.passed) return '<span class="badge passed">✓ Gate passed</span>';
  const failed = gate.checks.filter((check) => !check.passed);
  const first = failed[0];
  const text = first ? shortFailure(first) : gate.failed_metrics.join(', ');
  return `<span class="badge failed">✗ Gate failed: ${esc(text)}${failed.length > 1 ? ` +${failed.length - 1}` : ''}</span>`;
}

function gateChecks(gate: GateResult): string {
  if (gate.checks.length === 0) return '<p class="muted">No metric is gated for this model.</p>';
  const checks = [...gate.checks].sort((a, b) => Number(a.passed) - Number(b.passed));
  return `<ul class="checks">${checks
    .map((check) => `<li class="${check.passed ? 'passed' : 'failed'}">${check.passed ? '✓ held' : '✗ failed'}: <span class="mono">${esc(check.metric)}</span> — ${esc(check.message)}</li>`)
    .join('')}</ul>`;
}

function figure(caption: string, svg: string | null): string {
  const inline = svg === null ? null : inlineSvg(svg);
  if (inline === null) return '';
  return `<figure role="img" aria-label="${esc(caption)}"><figcaption>${esc(caption)}</figcaption>${inline}</figure>`;
}

function limitText(value: number | undefined, percent = false): string {
  return value === undefined ? '—' : percent ? formatPercent(value) : formatMetric(value);
}

/** The whole page; `charts` are SVG strings from echarts' server-side renderer. */
export function buildReportHtml({ signed, comparison, charts }: ReportPageInput): string {
  const { report, signature } = signed;
  const model = report.model;
  const versions = report.versions.map((version) => version.version);
  const runs = newestFirst(report.runs);
  const exportedBy = `${report.exported_by.display_name} (${report.exported_by.username})`;
  const title = `Eval report: ${model.name}${versions.length > 0 ? ` ${versions.join(' vs ')}` : ''}`;
  const deployment = report.deployment;

  const versionRows = report.versions
    .map(
      (version) =>
        `<tr><td class="mono">${esc(version.version)}</td><td>${esc(version.status)}</td><td>${esc(formatDateTime(version.created_at))}</td><td>${esc(version.created_by)}</td><td>${esc(version.framework)} / ${esc(version.export_format)}</td><td class="mono" title="${esc(version.checksum)}">${esc(version.checksum.slice(0, 12))}…</td></tr>`,
    )
    .join('');

  const policyRows = Object.entries(report.gate_policy.metrics)
    .map(
      ([metric, gate]) =>
        `<tr><th scope="row" class="mono">${esc(metric)}</th><td>${gate.direction === 'higher_is_better' ? 'higher is better' : 'lower is better'}</td><td class="num">${esc(limitText(gate.max_regression_abs))}</td><td class="num">${esc(limitText(gate.max_regression_rel, true))}</td><td class="num">${esc(limitText(gate.floor))}</td><td class="num">${esc(limitText(gate.ceiling))}</td></tr>`,
    )
    .join('');

  const lead = comparison
    ? `<section aria-labelledby="compare"><h2 id="compare">${esc(comparison.candidate)} compared with ${esc(comparison.baseline)}</h2>` +
      `<p>${gateBadge(comparison.gate)} <span class="muted">${
        comparison.run
          ? `Run ${esc(comparison.run.id)} on ${esc(comparison.run.dataset.name)}, ${esc(formatDateTime(comparison.run.finished_at))}`
          : "Each version's latest numbers, gated with the report's policy"
      }</span></p>` +
      deltaTable(comparison.delta, comparison.gate, comparison.candidate, comparison.baseline) +
      figure(`Relative change of each metric, ${comparison.candidate} against ${comparison.baseline}`, charts.delta) +
      `<h3>Gate checks</h3>${gateChecks(comparison.gate)}</section>`
    : '';

  const trends = charts.trends
    .map((trend) => figure(`${trend.metric} across ${runs.length} runs, oldest to newest (dashed: the baseline; red points: runs whose gate failed)`, trend.svg))
    .filter((html) => html !== '')
    .join('');

  const runRows = runs
    .map(
      (run) =>
        `<tr><td class="mono">${esc(run.version)} vs ${esc(run.baseline_version)}</td><td>${esc(run.dataset.name)}</td><td>${esc(formatDateTime(run.finished_at))}</td><td>${gateBadge(run.gate)}</td></tr>`,
    )
    .join('');
  const runDetails = runs
    .map(
      (run) =>
        `<details><summary><span class="mono">${esc(run.id)}</span>: ${esc(run.version)} vs ${esc(run.baseline_version)} on ${esc(run.dataset.name)} — ${run.gate.passed ? 'gate passed' : 'gate failed'}</summary>` +
        deltaTable(run.delta, run.gate, run.version, run.baseline_version) +
        gateChecks(run.gate) +
        '</details>',
    )
    .join('');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="generator" content="Model Ops Console">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="banner" role="note"><p><strong>Offline copy exported by ${esc(exportedBy)} at ${esc(formatDateTime(report.exported_at))}</strong> from the BFF at <span class="mono">${esc(report.bff_origin)}</span>. This page is a readable copy and carries no signature, so it proves nothing by itself: the signed <code>.modelreport.json</code> export of the same report is the verifiable form (open it in Model Ops Console, or check it with the BFF's public keys).</p></header>
<main>
<h1>${esc(model.name)}</h1>
<p class="meta"><span class="mono">${esc(model.id)}</span> · ${esc(model.type)} · owner ${esc(model.owner)}${model.tags.length > 0 ? ` · ${model.tags.map(esc).join(', ')}` : ''}</p>
${model.description ? `<p>${esc(model.description)}</p>` : ''}
<section aria-labelledby="versions"><h2 id="versions">Versions in this report</h2>
<table><thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">By</th><th scope="col">Framework / format</th><th scope="col">Checksum</th></tr></thead><tbody>${versionRows}</tbody></table>
<h3>Traffic when exported</h3>
<p>Stable <span class="mono">${esc(deployment.stable_version ?? 'none')}</span>${deployment.canary_version ? `, canary <span class="mono">${esc(deployment.canary_version)}</span> at ${esc(formatPercent(deployment.canary_pct / 100))}` : ''}; phase ${esc(deployment.phase.replace(/_/g, ' '))}.</p>
</section>
${lead}
${trends ? `<section aria-labelledby="trends"><h2 id="trends">Trends</h2><div class="trends">${trends}</div></section>` : ''}
<section aria-labelledby="runs"><h2 id="runs">Runs (${esc(formatInteger(runs.length))}, newest first)</h2>
${report.runs_omitted > 0 ? `<p class="muted">${esc(formatInteger(report.runs_omitted))} older runs are not in this report.</p>` : ''}
<table><thead><tr><th scope="col">Candidate vs baseline</th><th scope="col">Dataset</th><th scope="col">Finished</th><th scope="col">Gate</th></tr></thead><tbody>${runRows}</tbody></table>
<h3>Each run's deltas and gate checks</h3>
${runDetails}
</section>
<section aria-labelledby="policy"><h2 id="policy">Gate policy the runs were judged by</h2>
${policyRows ? `<table><thead><tr><th scope="col">Metric</th><th scope="col">Direction</th><th scope="col" class="num">Max regression</th><th scope="col" class="num">Max regression (relative)</th><th scope="col" class="num">Floor</th><th scope="col" class="num">Ceiling</th></tr></thead><tbody>${policyRows}</tbody></table>` : '<p class="muted">No metric is gated for this model.</p>'}
</section>
<footer><dl>
<dt>Report</dt><dd class="mono">${esc(report.report_id)} (schema version ${esc(String(report.schema_version))})</dd>
<dt>Exported</dt><dd>${esc(formatDateTime(report.exported_at))} (<span class="mono">${esc(report.exported_at)}</span>, the exporter's clock in UTC) by ${esc(exportedBy)}</dd>
<dt>BFF</dt><dd class="mono">${esc(report.bff_origin)}</dd>
<dt>Signed with</dt><dd class="mono">${esc(signature.alg)} key ${esc(signature.key_id)} (the signature is in the .modelreport.json file, not on this page)</dd>
</dl></footer>
</main>
</body>
</html>
`;
}
