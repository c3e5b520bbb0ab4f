// @vitest-environment node
// The HTML export: one self-contained page with the charts as inline SVG (echarts'
// server-side renderer, as in the app), every report text escaped, no script and no URL to fetch.
import { describe, expect, it } from 'vitest';
import { FAILING_RUN, PASSING_RUN, signedReport } from '../../test-support/report-fixtures.js';
import { buildReportHtml, escapeHtml, inlineSvg } from './report-html.js';
import { buildReportPage } from './report-page.js';

const HOSTILE = '<script>alert(1)</script>';

/** Every element name that opens a tag in `html`. */
const tagNames = (html: string) => [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((match) => match[1]!.toLowerCase());
const HOSTILE_ORIGIN = 'http://evil.example/"><script src="http://evil.example/x.js"></script>';

describe('buildReportPage', () => {
  it('inlines the delta chart and a trend per metric as SVG, and needs no script', async () => {
    const html = await buildReportPage(signedReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const svgs = html.match(/<svg[\s>]/g) ?? [];
    // The comparison's relative change, plus one trend per metric (five ranking metrics).
    expect(svgs.length).toBe(6);
    expect(html).toContain('Relative change of each metric, 2.2.0 against 2.0.0');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
  });

  it('refers to nothing outside itself: no src, no href, no stylesheet or import, no URL but the BFF origin as text', async () => {
    const report = signedReport();
    const html = await buildReportPage(report);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/href\s*=/i);
    expect(html).not.toMatch(/<link|@import|<iframe|<object|<embed|<img/i);
    expect(html.match(/url\([^)]*\)/g)?.every((reference) => reference.startsWith('url(#'))).toBe(true);
    // The only URL is the BFF's origin, shown as text (banner and footer).
    const withoutOrigin = html.split(escapeHtml(report.report.bff_origin)).join('');
    expect(withoutOrigin).not.toMatch(/https?:\/\//i);
  });

  it('says who exported it, when, from which BFF, and that the signed JSON is the verifiable form', async () => {
    const html = await buildReportPage(signedReport());
    expect(html).toMatch(/Offline copy exported by Olivia Operator \(olivia\) at [^<]+<\/strong> from the BFF at <span class="mono">http:\/\/127\.0\.0\.1:8787<\/span>/);
    expect(html).toContain('the signed <code>.modelreport.json</code> export of the same report is the verifiable form');
    expect(html).toContain('ed25519-0123456789abcdef');
  });

  it('colours deltas by better / worse for each metric direction and marks failed gates', async () => {
    const html = await buildReportPage(signedReport());
    // The lead comparison is the pair the report was exported for (2.2.0 vs 2.0.0, passing).
    expect(html).toContain('<h2 id="compare">2.2.0 compared with 2.0.0</h2>');
    expect(html).toContain('✓ Gate passed');
    // latency_proxy falling is better (lower is better); ndcg@10 rising is better.
    expect(html).toMatch(/<tr><th scope="row"><span class="mono">latency_proxy<\/span>.*?<td class="num better">▼ /);
    expect(html).toMatch(/<tr><th scope="row"><span class="mono">ndcg@10<\/span>.*?<td class="num better">▲ /);
    // The failing run (ndcg@10 fell 6 %): its row is marked, its verdict is worse, the badge names it.
    expect(FAILING_RUN.gate.passed).toBe(false);
    expect(html).toMatch(/<tr class="failed"><th scope="row"><span class="mono">ndcg@10<\/span>.*?<td class="num worse">▼ [^<]+<\/td><td class="num worse">▼ [^<]+<\/td><td class="worse">worse \(gate failed\)<\/td>/);
    expect(html).toContain('✗ Gate failed: ndcg@10 fell');
    expect(html).toContain(PASSING_RUN.id);
  });

  it('escapes every text from the report, so a hostile report cannot run or load anything', async () => {
    const hostileRun = { ...FAILING_RUN, dataset: { ...FAILING_RUN.dataset, name: `</style>${HOSTILE}` } };
    const report = signedReport({ name: HOSTILE, description: '"><img src=x onerror=alert(1)>', bffOrigin: HOSTILE_ORIGIN, exporter: '<b onmouseover=alert(1)>Mallory</b>', runs: [PASSING_RUN, hostileRun] });
    const html = await buildReportPage(report);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img|<b\s/i);
    // Inside any tag (the escaped text may well read "onerror=", as text).
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/<[a-z][^>]*\ssrc\s*=/i);
    expect(new Set(tagNames(html))).toEqual(new Set(tagNames(await buildReportPage(signedReport({ runs: [PASSING_RUN, FAILING_RUN] })))));
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/style&gt;&lt;script&gt;');
    expect(html).toContain(escapeHtml(HOSTILE_ORIGIN));
    // Exactly one style element: the report cannot close it and open another.
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
  });
});

describe('inlineSvg', () => {
  const svg = (body: string) => `<svg width="10" height="10" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">${body}</svg>`;

  it('keeps drawing, drops the namespace URLs, allows clip paths by fragment', () => {
    expect(inlineSvg(svg('<path d="M0 0L1 1" clip-path="url(#zr0-c0)"></path><style><![CDATA[.zr0-cls-0:hover { cursor: pointer; }]]></style>'))).toBe(
      '<svg width="10" height="10"><path d="M0 0L1 1" clip-path="url(#zr0-c0)"></path></svg>',
    );
  });

  it('refuses scripts, handlers, links, foreign content and external references', () => {
    for (const body of [
      '<script>alert(1)</script>',
      '<rect onload="alert(1)"></rect>',
      '<a href="https://x.example"><text>x</text></a>',
      '<image xlink:href="data:x"></image>',
      '<foreignObject><div>x</div></foreignObject>',
      '<rect fill="url(https://x.example/p.svg#a)"></rect>',
      '<use href="#a"></use>',
    ]) {
      expect(inlineSvg(svg(body)), body).toBeNull();
    }
    expect(inlineSvg('<div>not svg</div>')).toBeNull();
  });

  it('a chart that is refused is left out, the page is still built', () => {
    const html = buildReportHtml({ signed: signedReport(), comparison: null, charts: { delta: null, trends: [{ metric: 'ndcg@10', svg: svg('<script>x</script>') }] } });
    expect(html).not.toMatch(/<svg|<script/);
    expect(html).toContain('Runs (2, newest first)');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that can leave text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
