import { groupByResource, VERDICT_ICONS, type Matrix, type MatrixCell } from './matrix';

/** `🔍 project_id == %(owner)s`: the icon, then the condition where there is one. */
export function cellText(cell: MatrixCell | undefined): string {
  if (!cell) return '';
  return `${VERDICT_ICONS[cell.verdict]}${cell.condition ? ` ${cell.condition}` : ''}`;
}

const mdCell = (text: string): string =>
  text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One table per API resource, as hand-made role matrices are laid out. */
export function matrixMarkdown(matrix: Matrix): string {
  const out: string[] = [];
  const header = `| Policy | Operations | ${matrix.personas.map((p) => mdCell(p.label)).join(' | ')} |`;
  const rule = `| --- | --- | ${matrix.personas.map(() => ':---:').join(' | ')} |`;
  for (const [resource, rows] of groupByResource(matrix.rows)) {
    out.push(`#### \`${resource}\``, '', header, rule);
    for (const row of rows) {
      const operations = row.operations.map((op) => `${op.method} \`${mdCell(op.path)}\``).join('<br>');
      const cells = matrix.personas.map((p) => {
        const cell = row.verdicts[p.id];
        if (!cell) return '';
        return cell.condition
          ? `${VERDICT_ICONS[cell.verdict]} \`${mdCell(cell.condition)}\``
          : VERDICT_ICONS[cell.verdict];
      });
      out.push(`| \`${mdCell(row.policy)}\` | ${operations} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  out.push(`✅ allowed · ❌ denied · 🔍 allowed if the condition on the target holds — ${matrix.mode}`, '');
  return out.join('\n');
}

const csvQuote = (text: string): string => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** One line per policy: resource, policy, operations, then verdict and condition per persona. */
export function matrixCsv(matrix: Matrix): string {
  const lines = [
    ['resource', 'policy', 'operations', ...matrix.personas.flatMap((p) => [p.id, `${p.id} condition`])].map(
      csvQuote,
    ),
  ];
  for (const [resource, rows] of groupByResource(matrix.rows)) {
    for (const row of rows) {
      const operations = row.operations.map((op) => `${op.method} ${op.path}`).join('; ');
      const cells = matrix.personas.flatMap((p) => [
        row.verdicts[p.id]?.verdict ?? '',
        row.verdicts[p.id]?.condition ?? '',
      ]);
      lines.push([resource, row.policy, operations, ...cells].map(csvQuote));
    }
  }
  return `${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
}

/** The interface shape, exactly: `[{"policy", "operations", "verdicts"}]`. */
export function matrixJson(matrix: Matrix): string {
  const rows = matrix.rows.map((row) => ({
    policy: row.policy,
    operations: row.operations.map((op) => ({ method: op.method, path: op.path })),
    verdicts: Object.fromEntries(
      matrix.personas.map((p) => [
        p.id,
        {
          verdict: row.verdicts[p.id]?.verdict ?? 'denied',
          condition: row.verdicts[p.id]?.condition ?? null,
        },
      ]),
    ),
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}
