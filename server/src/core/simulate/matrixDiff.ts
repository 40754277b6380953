import type { Operation } from '../catalog/catalogTypes';
import { VERDICT_ICONS, type Matrix, type MatrixCell } from './matrix';
import type { Verdict } from './simulate';

/**
 * Who gained or lost what between two matrices (a file against the defaults, release A against
 * release B). A persona gains a policy when its verdict moves up denied → conditional → allowed,
 * loses it when it moves down; a changed condition, an error or an unknown is "changed". A policy
 * only in one matrix counts as denied in the other.
 */
export interface VerdictChange {
  readonly policy: string;
  readonly operations: readonly Operation[];
  readonly from: MatrixCell;
  readonly to: MatrixCell;
}

export interface PersonaChanges {
  readonly id: string;
  readonly label: string;
  readonly gained: VerdictChange[];
  readonly lost: VerdictChange[];
  readonly changed: VerdictChange[];
}

export interface MatrixDiff {
  readonly from: string;
  readonly to: string;
  readonly addedPolicies: string[];
  readonly removedPolicies: string[];
  readonly personas: PersonaChanges[];
}

const RANK: Partial<Record<Verdict, number>> = { denied: 0, conditional: 1, allowed: 2 };
const ABSENT: MatrixCell = { verdict: 'denied', condition: null };

export function diffMatrices(a: Matrix, b: Matrix): MatrixDiff {
  const rowsA = new Map(a.rows.map((row) => [row.policy, row]));
  const rowsB = new Map(b.rows.map((row) => [row.policy, row]));
  const names = [...rowsB.keys()];
  for (const name of rowsA.keys()) if (!rowsB.has(name)) names.push(name);
  const personas = b.personas.filter((p) => a.personas.some((q) => q.id === p.id));
  const changes = personas.map((p): PersonaChanges => ({
    id: p.id,
    label: p.label,
    gained: [],
    lost: [],
    changed: [],
  }));
  for (const name of names) {
    const rowA = rowsA.get(name);
    const rowB = rowsB.get(name);
    const operations = rowB?.operations.length ? rowB.operations : (rowA?.operations ?? []);
    personas.forEach((persona, index) => {
      const from = rowA?.verdicts[persona.id] ?? ABSENT;
      const to = rowB?.verdicts[persona.id] ?? ABSENT;
      if (from.verdict === to.verdict && from.condition === to.condition) return;
      const change = { policy: name, operations, from, to };
      const rankFrom = RANK[from.verdict];
      const rankTo = RANK[to.verdict];
      if (rankFrom === undefined || rankTo === undefined || rankFrom === rankTo)
        changes[index].changed.push(change);
      else if (rankTo > rankFrom) changes[index].gained.push(change);
      else changes[index].lost.push(change);
    });
  }
  return {
    from: a.title,
    to: b.title,
    addedPolicies: names.filter((name) => !rowsA.has(name)),
    removedPolicies: names.filter((name) => !rowsB.has(name)),
    personas: changes,
  };
}

const cell = (c: MatrixCell): string => `${VERDICT_ICONS[c.verdict]}${c.condition ? ` ${c.condition}` : ''}`;

function changeLine(sign: string, change: VerdictChange): string {
  const operations = change.operations.map((op) => `${op.method} ${op.path}`).join(', ');
  return `  ${sign} ${change.policy}${operations ? ` (${operations})` : ''}: ${cell(change.from)} → ${cell(change.to)}`;
}

/** Readable text: per persona, the operations gained (+), lost (-) and changed (~). */
export function matrixDiffText(diff: MatrixDiff): string {
  const out = [`Role matrix diff: ${diff.from} → ${diff.to}`];
  if (diff.addedPolicies.length > 0) out.push(`policies added: ${diff.addedPolicies.join(', ')}`);
  if (diff.removedPolicies.length > 0) out.push(`policies removed: ${diff.removedPolicies.join(', ')}`);
  for (const persona of diff.personas) {
    const total = persona.gained.length + persona.lost.length + persona.changed.length;
    out.push(
      `${persona.id}: ${total === 0 ? 'no change' : `gained ${persona.gained.length}, lost ${persona.lost.length}, changed ${persona.changed.length}`}`,
    );
    for (const change of persona.gained) out.push(changeLine('+', change));
    for (const change of persona.lost) out.push(changeLine('-', change));
    for (const change of persona.changed) out.push(changeLine('~', change));
  }
  return `${out.join('\n')}\n`;
}
