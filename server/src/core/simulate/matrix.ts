import type { Operation } from '../catalog/catalogTypes';
import type { EffectivePolicy } from '../engine/effectivePolicy';
import { personaCredentials, type PersonaSpec } from './personas';
import { simulateRule, type Verdict } from './simulate';

/**
 * The role matrix: every policy × persona, decided by partial evaluation (target left open),
 * with the condition where the answer depends on the target. The JSON shape is an interface:
 * `[{"policy", "operations": [{"method", "path"}], "verdicts": {persona: {"verdict", "condition"}}}]`.
 */
export interface MatrixRow {
  readonly policy: string;
  readonly operations: readonly Operation[];
  readonly verdicts: Readonly<
    Record<string, { readonly verdict: Verdict; readonly condition: string | null }>
  >;
}

export function buildMatrix(
  policy: EffectivePolicy,
  personas: readonly PersonaSpec[],
  implied: Readonly<Record<string, readonly string[]>>,
  names?: readonly string[],
): MatrixRow[] {
  const policies =
    names ?? (policy.registered.size > 0 ? [...policy.registered.keys()] : [...policy.rules.keys()]);
  const credentials = personas.map((persona) => [persona.id, personaCredentials(persona, implied)] as const);
  return policies.map((name) => {
    const verdicts: Record<string, { verdict: Verdict; condition: string | null }> = {};
    for (const [id, creds] of credentials) {
      const result = simulateRule(policy, name, creds, null);
      verdicts[id] = { verdict: result.verdict, condition: result.condition ?? result.reason };
    }
    return { policy: name, operations: policy.registered.get(name)?.operations ?? [], verdicts };
  });
}

const ICONS: Record<Verdict, string> = {
  allowed: '✅',
  denied: '❌',
  conditional: '🔍',
  error: '⚠️',
  unknown: '❔',
};

/** Groups rows by API resource, as hand-made matrices are: the first path segments, else the name prefix. */
export function resourceOf(row: MatrixRow): string {
  const path = row.operations[0]?.path;
  if (path) {
    const segments = path.split('/').filter((s) => s && !s.startsWith('{'));
    return `/${segments.slice(0, 2).join('/')}`;
  }
  const parts = row.policy.split(':');
  return parts.length > 1 ? parts.slice(0, -1).join(':') : '(rules)';
}

export function matrixMarkdown(rows: readonly MatrixRow[], personas: readonly PersonaSpec[]): string {
  const out: string[] = [];
  const groups = new Map<string, MatrixRow[]>();
  for (const row of rows) groups.set(resourceOf(row), [...(groups.get(resourceOf(row)) ?? []), row]);
  for (const [resource, group] of groups) {
    out.push(
      `### ${resource}`,
      '',
      `| policy | operations | ${personas.map((p) => p.label).join(' | ')} |`,
      `| --- | --- | ${personas.map(() => '---').join(' | ')} |`,
    );
    for (const row of group) {
      const operations = row.operations.map((op) => `${op.method} ${op.path}`).join('<br>');
      const cells = personas.map((p) => {
        const v = row.verdicts[p.id];
        return v ? `${ICONS[v.verdict]}${v.condition ? ` ${v.condition.replace(/\|/g, '\\|')}` : ''}` : '';
      });
      out.push(`| \`${row.policy}\` | ${operations} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function matrixCsv(rows: readonly MatrixRow[], personas: readonly PersonaSpec[]): string {
  const quote = (text: string): string => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = [
    ['policy', 'operations', ...personas.flatMap((p) => [p.id, `${p.id} condition`])].map(quote).join(','),
  ];
  for (const row of rows) {
    const operations = row.operations.map((op) => `${op.method} ${op.path}`).join('; ');
    const cells = personas.flatMap((p) => [
      row.verdicts[p.id]?.verdict ?? '',
      row.verdicts[p.id]?.condition ?? '',
    ]);
    lines.push([row.policy, operations, ...cells].map(quote).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A standalone, readable HTML page with a filter box (also the body of the VS Code webview). */
export function matrixHtml(
  rows: readonly MatrixRow[],
  personas: readonly PersonaSpec[],
  title: string,
  nonce = '',
): string {
  const head = personas.map((p) => `<th>${escapeHtml(p.label)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = personas
        .map((p) => {
          const v = row.verdicts[p.id];
          if (!v) return '<td></td>';
          return `<td class="${v.verdict}" title="${escapeHtml(v.condition ?? v.verdict)}">${ICONS[v.verdict]}${v.condition ? ` <small>${escapeHtml(v.condition)}</small>` : ''}</td>`;
        })
        .join('');
      const operations = row.operations
        .map((op) => `${escapeHtml(op.method)} <code>${escapeHtml(op.path)}</code>`)
        .join('<br>');
      return `<tr data-resource="${escapeHtml(resourceOf(row))}"><td><code>${escapeHtml(row.policy)}</code></td><td>${operations}</td>${cells}</tr>`;
    })
    .join('\n');
  const script = nonce ? `<script nonce="${nonce}">` : '<script>';
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:var(--vscode-font-family,system-ui,sans-serif);font-size:13px;color:var(--vscode-foreground,#222);background:var(--vscode-editor-background,#fff);margin:1em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid rgba(128,128,128,.3);padding:4px 8px;text-align:left;vertical-align:top}
th{position:sticky;top:0;background:var(--vscode-editor-background,#fff)}td.allowed{background:rgba(0,160,0,.08)}td.denied{background:rgba(200,0,0,.06)}td.conditional{background:rgba(230,160,0,.10)}
small{opacity:.8}input{margin-bottom:8px;padding:4px;width:40%}
</style></head><body><h2>${escapeHtml(title)}</h2>
<input id="filter" placeholder="Filter policies, paths or verdicts…">
<table><thead><tr><th>Policy</th><th>Operations</th>${head}</tr></thead><tbody id="rows">
${body}
</tbody></table>
${script}
const input=document.getElementById('filter');input.addEventListener('input',()=>{const q=input.value.toLowerCase();for(const tr of document.querySelectorAll('#rows tr')){tr.style.display=tr.textContent.toLowerCase().includes(q)?'':'none';}});
</script></body></html>`;
}
