import { runOracle, type OracleCase, type OracleJobResult } from './oracle';

/** Credentials of the usual personas, and targets owned by one project or another. */
const CREDS: readonly Record<string, unknown>[] = [
  { roles: ['admin', 'member', 'reader'], project_id: 'p1', user_id: 'u1', domain_id: 'd1' },
  { roles: ['member', 'reader'], project_id: 'p1', user_id: 'u1', domain_id: 'd1' },
  { roles: ['reader'], project_id: 'p1', user_id: 'u2', domain_id: 'd1' },
  { roles: ['member', 'reader'], project_id: 'p2', user_id: 'u3', domain_id: 'd2' },
  { roles: ['admin', 'operator', 'reader'], system_scope: 'all', user_id: 'u4' },
  { roles: ['volume_admin'], project_id: 'p1', is_admin: true, is_admin_project: true },
  { roles: [], project_id: 'p3' },
];
const TARGETS: readonly Record<string, unknown>[] = [
  { project_id: 'p1', user_id: 'u1', domain_id: 'd1', 'node.owner': 'p1' },
  { project_id: 'p2', user_id: 'u3', domain_id: 'd2' },
];

export function decisionCases(rules: readonly string[]): OracleCase[] {
  return rules.flatMap((rule) =>
    CREDS.flatMap((creds) => TARGETS.map((target) => ({ rule, creds, target }))),
  );
}

/**
 * What real oslo.policy decides for every rule × persona × target with each version of a policy
 * file (file name → text), in one oracle run. Two versions mean the same when these are equal.
 */
export function oracleDecisions(
  versions: readonly Record<string, string>[],
  namespaces: readonly string[],
  rules: readonly string[],
): OracleJobResult[] {
  const cases = decisionCases(rules);
  return runOracle(versions.map((files) => ({ files, namespaces, cases })));
}
