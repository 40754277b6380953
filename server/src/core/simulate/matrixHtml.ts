import { groupByResource, VERDICT_ICONS, type Matrix } from './matrix';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A comparison never breaks across lines: `project_id == %(owner)s` stays whole. */
function conditionHtml(condition: string): string {
  return escapeHtml(condition).replace(/(\S+) (==|in) (\S+)/g, '<span class="nb">$1 $2 $3</span>');
}

const STYLE = `
:root{color-scheme:light dark;--fg:var(--vscode-foreground,#1f2328);--bg:var(--vscode-editor-background,#fff);
--muted:var(--vscode-descriptionForeground,#656d76);--line:var(--vscode-panel-border,rgba(128,128,128,.25));
--ok:rgba(26,127,55,.14);--no:rgba(207,34,46,.10);--if:rgba(191,135,0,.16);--warn:rgba(130,80,223,.14)}
@media (prefers-color-scheme:dark){:root{--fg:var(--vscode-foreground,#e6edf3);--bg:var(--vscode-editor-background,#0d1117);--muted:var(--vscode-descriptionForeground,#8d96a0)}}
body{font-family:var(--vscode-font-family,system-ui,-apple-system,"Segoe UI",sans-serif);font-size:var(--vscode-font-size,13px);color:var(--fg);background:var(--bg);margin:0;padding:12px 16px}
h1{font-size:1.3em;margin:0 0 2px}.mode{color:var(--muted);margin-bottom:10px}
.bar{display:flex;flex-wrap:wrap;gap:10px 18px;align-items:center;position:sticky;top:0;background:var(--bg);padding:8px 0;z-index:2;border-bottom:1px solid var(--line)}
.bar input[type=search]{min-width:260px;padding:4px 8px;color:inherit;background:var(--vscode-input-background,transparent);border:1px solid var(--vscode-input-border,var(--line));border-radius:3px}
.bar label{white-space:nowrap;cursor:pointer}.bar fieldset{border:0;margin:0;padding:0;display:flex;gap:10px;flex-wrap:wrap}
.bar legend{float:left;color:var(--muted);margin-right:6px}.count{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin-top:6px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{position:sticky;top:var(--bar,46px);background:var(--bg);z-index:1}
tr.group th{background:var(--vscode-sideBar-background,rgba(128,128,128,.08));font-weight:600;padding-top:10px}
td.policy code{font-weight:600}td.ops{color:var(--muted);font-size:.92em;max-width:22em}
td.v{min-width:12em;max-width:24em}td.allowed{background:var(--ok)}td.denied{background:var(--no)}
td.conditional{background:var(--if)}td.error,td.unknown{background:var(--warn)}
td.v code{font-size:.9em;display:block;opacity:.9;word-break:keep-all;overflow-wrap:normal}code{font-family:var(--vscode-editor-font-family,ui-monospace,monospace)}
.nb{white-space:nowrap}.legend{color:var(--muted);margin-top:12px}.hidden{display:none}`;

/**
 * The matrix as one self-contained page, also the body of the VS Code webview: no external
 * resources, style and script carry the nonce of a Content-Security-Policy meta tag, no inline
 * handlers or style attributes (a webview's CSP blocks them). Filters: text, personas, verdicts.
 */
export function matrixHtml(matrix: Matrix, nonceText = 'os-policy-matrix'): string {
  // A nonce is base64-like; anything else could break out of the attribute.
  const nonce = nonceText.replace(/[^A-Za-z0-9+/=_-]/g, '') || 'os-policy-matrix';
  const personas = matrix.personas;
  const head = personas
    .map((p) => `<th class="v" data-p="${escapeHtml(p.id)}">${escapeHtml(p.label)}</th>`)
    .join('');
  const body: string[] = [];
  for (const [resource, rows] of groupByResource(matrix.rows)) {
    body.push(
      `<tr class="group"><th colspan="${personas.length + 2}"><code>${escapeHtml(resource)}</code></th></tr>`,
    );
    for (const row of rows) {
      const cells = personas
        .map((p) => {
          const cell = row.verdicts[p.id];
          if (!cell) return `<td class="v" data-p="${escapeHtml(p.id)}"></td>`;
          const condition = cell.condition ? `<code>${conditionHtml(cell.condition)}</code>` : '';
          return `<td class="v ${cell.verdict}" data-p="${escapeHtml(p.id)}" data-v="${cell.verdict}" title="${escapeHtml(`${p.label}: ${cell.verdict}${cell.condition ? ` if ${cell.condition}` : ''}`)}">${VERDICT_ICONS[cell.verdict]} ${condition}</td>`;
        })
        .join('');
      const operations = row.operations
        .map((op) => `${escapeHtml(op.method)} <code>${escapeHtml(op.path)}</code>`)
        .join('<br>');
      body.push(
        `<tr class="row" data-resource="${escapeHtml(resource)}"><td class="policy"><code>${escapeHtml(row.policy)}</code></td><td class="ops">${operations}</td>${cells}</tr>`,
      );
    }
  }
  const personaBoxes = personas
    .map(
      (p) =>
        `<label><input type="checkbox" class="persona" value="${escapeHtml(p.id)}" checked> ${escapeHtml(p.label)}</label>`,
    )
    .join('');
  const verdictBoxes = (['allowed', 'conditional', 'denied', 'error', 'unknown'] as const)
    .filter(
      (v) => v !== 'error' || matrix.rows.some((r) => Object.values(r.verdicts).some((c) => c.verdict === v)),
    )
    .filter(
      (v) =>
        v !== 'unknown' || matrix.rows.some((r) => Object.values(r.verdicts).some((c) => c.verdict === v)),
    )
    .map(
      (v) =>
        `<label><input type="checkbox" class="verdict" value="${v}" checked> ${VERDICT_ICONS[v]} ${v}</label>`,
    )
    .join('');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(matrix.title)}</title>
<style nonce="${nonce}">${STYLE}</style></head><body>
<h1>${escapeHtml(matrix.title)}</h1>
<div class="mode">${escapeHtml(matrix.mode)} · ${matrix.rows.length} policies × ${personas.length} personas</div>
<div class="bar" id="bar">
<input type="search" id="q" placeholder="Filter by policy, path, method or condition…" aria-label="Filter">
<fieldset><legend>Personas</legend>${personaBoxes}</fieldset>
<fieldset><legend>Show rows where a shown persona is</legend>${verdictBoxes}</fieldset>
<span class="count" id="count"></span>
</div>
<table><thead><tr><th>Policy</th><th>Operations</th>${head}</tr></thead>
<tbody id="rows">
${body.join('\n')}
</tbody></table>
<div class="legend">✅ allowed · ❌ denied · 🔍 allowed if the condition on the target holds (<code>%(key)s</code> is the target's value) · ⚠️ oslo.policy raises · ❔ not decided by this tool</div>
<script nonce="${nonce}">
(function(){
var q=document.getElementById('q'),count=document.getElementById('count'),bar=document.getElementById('bar');
function stick(){document.documentElement.style.setProperty('--bar',bar.offsetHeight+'px')}
window.addEventListener('resize',stick);stick();
var rows=Array.prototype.slice.call(document.querySelectorAll('tr.row'));
var groups=Array.prototype.slice.call(document.querySelectorAll('tr.group'));
function checked(cls){return Array.prototype.slice.call(document.querySelectorAll('input.'+cls)).filter(function(i){return i.checked}).map(function(i){return i.value})}
function apply(){
var text=q.value.trim().toLowerCase(),ps=checked('persona'),vs=checked('verdict');
Array.prototype.forEach.call(document.querySelectorAll('[data-p]'),function(c){c.classList.toggle('hidden',ps.indexOf(c.getAttribute('data-p'))<0)});
var shown=0;
rows.forEach(function(r){
var okText=!text||r.textContent.toLowerCase().indexOf(text)>=0;
var okVerdict=Array.prototype.some.call(r.querySelectorAll('td[data-v]'),function(c){return ps.indexOf(c.getAttribute('data-p'))>=0&&vs.indexOf(c.getAttribute('data-v'))>=0});
var show=okText&&okVerdict;r.classList.toggle('hidden',!show);if(show)shown++;});
groups.forEach(function(g){var n=g.nextElementSibling,any=false;while(n&&!n.classList.contains('group')){if(!n.classList.contains('hidden'))any=true;n=n.nextElementSibling}g.classList.toggle('hidden',!any)});
count.textContent=shown+' of '+rows.length+' policies';}
q.addEventListener('input',apply);
Array.prototype.forEach.call(document.querySelectorAll('input[type=checkbox]'),function(i){i.addEventListener('change',apply)});
apply();
// In a VS Code webview: tell the extension the table is drawn (it measures the time to show it).
if(typeof acquireVsCodeApi==='function')acquireVsCodeApi().postMessage({type:'rendered',rows:rows.length});
})();
</script></body></html>
`;
}
