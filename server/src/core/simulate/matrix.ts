import type { Operation } from '../catalog/catalogTypes';
import type { EffectivePolicy } from '../engine/effectivePolicy';
import { personaCredentials, type PersonaSpec } from './personas';
import { Simulator, type Verdict } from './simulate';

/**
 * The role matrix: every policy × persona, decided by partial evaluation (target left open),
 * with the condition where the answer depends on the target. The JSON form is an interface:
 * `[{"policy", "operations": [{"method", "path"}], "verdicts": {persona: {"verdict", "condition"}}}]`.
 */
export interface MatrixCell {
  readonly verdict: Verdict;
  readonly condition: string | null;
}

export interface MatrixRow {
  readonly policy: string;
  readonly operations: readonly Operation[];
  readonly verdicts: Readonly<Record<string, MatrixCell>>;
}

export interface Matrix {
  readonly title: string;
  readonly mode: string;
  readonly personas: readonly { readonly id: string; readonly label: string }[];
  readonly rows: readonly MatrixRow[];
}

/** Registered policies in registration order, then the file's own rules in file order. */
export function matrixPolicies(policy: EffectivePolicy): string[] {
  const names = [...policy.registered.keys()];
  for (const name of policy.fileRules.keys()) if (!policy.registered.has(name)) names.push(name);
  if (names.length === 0) names.push(...policy.rules.keys());
  return names;
}

export function buildMatrix(
  policy: EffectivePolicy,
  personas: readonly PersonaSpec[],
  implied: Readonly<Record<string, readonly string[]>>,
  names: readonly string[] = matrixPolicies(policy),
): MatrixRow[] {
  const simulator = new Simulator(policy);
  const runs = personas.map(
    (persona) => [persona.id, simulator.forCreds(personaCredentials(persona, implied))] as const,
  );
  return names.map((name) => {
    const verdicts: Record<string, MatrixCell> = {};
    for (const [id, run] of runs) {
      const result = run.rule(name, { trace: false });
      verdicts[id] = { verdict: result.verdict, condition: result.condition ?? result.reason };
    }
    return { policy: name, operations: policy.registered.get(name)?.operations ?? [], verdicts };
  });
}

export function matrixOf(
  policy: EffectivePolicy,
  personas: readonly PersonaSpec[],
  implied: Readonly<Record<string, readonly string[]>>,
  title: string,
): Matrix {
  return {
    title,
    mode: new Simulator(policy).mode,
    personas: personas.map((p) => ({ id: p.id, label: p.label })),
    rows: buildMatrix(policy, personas, implied),
  };
}

const VERSION = /^v\d+(\.\d+)?$/;

/**
 * The API resource a row belongs to, as hand-made matrices group them: the first path segment
 * after an optional version (`/v2/images/{id}` → `/v2/images`), else the policy name's prefix.
 */
export function resourceOf(row: Pick<MatrixRow, 'policy' | 'operations'>): string {
  const path = row.operations[0]?.path;
  if (path) {
    const segments = path.split(/[/?\s]/).filter((s) => s.length > 0);
    const kept: string[] = [];
    for (const segment of segments) {
      if (segment.startsWith('{')) continue;
      kept.push(segment);
      if (!VERSION.test(segment)) break;
    }
    if (kept.length > 0) return `/${kept.join('/')}`;
  }
  const parts = row.policy.split(':');
  return parts.length > 1 ? parts.slice(0, -1).join(':') : '(rules without operations)';
}

/** Rows grouped by resource, groups in order of first appearance. */
export function groupByResource<R extends Pick<MatrixRow, 'policy' | 'operations'>>(
  rows: readonly R[],
): [string, R[]][] {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const resource = resourceOf(row);
    const group = groups.get(resource);
    if (group) group.push(row);
    else groups.set(resource, [row]);
  }
  return [...groups];
}

export const VERDICT_ICONS: Readonly<Record<Verdict, string>> = {
  allowed: '✅',
  denied: '❌',
  conditional: '🔍',
  error: '⚠️',
  unknown: '❔',
};
