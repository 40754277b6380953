import { canonicalString } from '../check/checkPrint';
import type { CheckNode, EnforcedRule, LeafCheckNode } from '../check/checkTypes';
import type { EffectivePolicy } from '../engine/effectivePolicy';
import { enforceByName, tokenScope } from '../engine/enforce';
import { Evaluator, resolveRule } from '../engine/evaluator';
import { decideGeneric, decideRole } from '../engine/leafChecks';
import { LeafCache } from '../engine/leafCache';
import { describeOutcome, type Outcome } from '../engine/outcome';
import { pyDict, type PyValue } from '../python/pyValue';
import { withSystemFromScope } from '../engine/credentials';
import { pyToStr } from '../python/pyRepr';

/**
 * "Who can do this?" for one rule and one set of credentials. With a concrete target the answer
 * is the engine's exact decision. With the target left open, the rule is partially evaluated:
 * every check that does not look at the target is decided, and what remains is the condition
 * on the target (`%(project_id)s == 'p1'`), simplified, never guessed.
 */
export type Verdict = 'allowed' | 'denied' | 'conditional' | 'error' | 'unknown';

/** A condition on the target, in the form the check left it. */
export type Condition =
  | { readonly type: 'true' }
  | { readonly type: 'false' }
  | {
      readonly type: 'equals';
      readonly format: string;
      readonly value: string;
      readonly caseInsensitive?: boolean;
    }
  | { readonly type: 'in'; readonly format: string; readonly values: readonly string[] }
  | { readonly type: 'not'; readonly operand: Condition }
  | { readonly type: 'and' | 'or'; readonly operands: readonly Condition[] };

export interface SimulationStep {
  readonly check: string;
  readonly result: string;
  readonly children: readonly SimulationStep[];
}

export interface Simulation {
  readonly verdict: Verdict;
  /** Readable condition, for `conditional`. */
  readonly condition: string | null;
  readonly conditionTree: Condition | null;
  /** Why, for `error` and `unknown`. */
  readonly reason: string | null;
  readonly trace: SimulationStep[];
  /** The mode assumed, for display. */
  readonly mode: string;
}

const TRUE: Condition = { type: 'true' };
const FALSE: Condition = { type: 'false' };

class Unsure extends Error {}
class Raises extends Error {}

export function simulateRule(
  policy: EffectivePolicy,
  name: string,
  creds: PyValue,
  target: PyValue | null,
): Simulation {
  const mode = `${policy.options.enforceNewDefaults ? 'enforce_new_defaults' : 'default mode'}${policy.options.enforceScope ? ' + enforce_scope' : ''}`;
  if (target !== null) {
    const decision = enforceByName(policy, new Evaluator(), name, { creds, target, trace: true });
    return fromOutcome(decision.outcome, mode, decision.trace ? [traceStep(decision.trace)] : []);
  }
  if (policy.loadFailure) return fromOutcome(policy.loadFailure, mode, []);
  if (creds.t !== 'dict')
    return {
      verdict: 'error',
      condition: null,
      conditionTree: null,
      reason: 'credentials must be a JSON object',
      trace: [],
      mode,
    };
  const effectiveCreds = policy.options.ignoresSystemScope ? creds : withSystemFromScope(creds);
  if (policy.rules.size === 0)
    return result(FALSE, mode, [{ check: name, result: 'no rules loaded: denied', children: [] }]);
  const resolved = resolveRule(policy, name);
  if (!resolved)
    return result(FALSE, mode, [
      { check: name, result: 'not defined, no default rule: denied', children: [] },
    ]);
  const registered = policy.registered.get(name);
  if (registered && registered.scope_types.length > 0 && policy.options.enforceScope) {
    const scope = tokenScope(effectiveCreds);
    if (!registered.scope_types.includes(scope)) {
      if (policy.options.scopeMismatchRaises) {
        return {
          verdict: 'error',
          condition: null,
          conditionTree: null,
          reason: `InvalidScope: ${name} requires ${registered.scope_types.join(', ')} scope`,
          trace: [],
          mode,
        };
      }
      return result(FALSE, mode, [
        {
          check: `scope types ${registered.scope_types.join(', ')}`,
          result: `denied: the token is ${scope}-scoped`,
          children: [],
        },
      ]);
    }
  }
  const run = new PartialRun(policy, effectiveCreds);
  try {
    const steps: SimulationStep[] = [];
    const condition = run.rule(resolved.rule, 1, steps);
    return result(condition, mode, steps);
  } catch (error) {
    if (error instanceof Raises)
      return {
        verdict: 'error',
        condition: null,
        conditionTree: null,
        reason: error.message,
        trace: [],
        mode,
      };
    if (error instanceof Unsure)
      return {
        verdict: 'unknown',
        condition: null,
        conditionTree: null,
        reason: error.message,
        trace: [],
        mode,
      };
    throw error;
  }
}

function fromOutcome(outcome: Outcome, mode: string, trace: SimulationStep[]): Simulation {
  if (outcome.kind === 'bool') return result(outcome.value ? TRUE : FALSE, mode, trace);
  const verdict: Verdict = outcome.kind === 'raises' ? 'error' : 'unknown';
  return { verdict, condition: null, conditionTree: null, reason: describeOutcome(outcome), trace, mode };
}

function traceStep(node: {
  node: CheckNode | null;
  outcome: Outcome;
  detail: string;
  children: readonly unknown[];
}): SimulationStep {
  return {
    check: node.node ? canonicalString(node.node) : node.detail,
    result: `${describeOutcome(node.outcome)}${node.detail ? ` — ${node.detail}` : ''}`,
    children: (node.children as (typeof node)[]).map(traceStep),
  };
}

function result(condition: Condition, mode: string, trace: SimulationStep[]): Simulation {
  if (condition.type === 'true')
    return { verdict: 'allowed', condition: null, conditionTree: null, reason: null, trace, mode };
  if (condition.type === 'false')
    return { verdict: 'denied', condition: null, conditionTree: null, reason: null, trace, mode };
  return {
    verdict: 'conditional',
    condition: renderCondition(condition),
    conditionTree: condition,
    reason: null,
    trace,
    mode,
  };
}

const MAX_LEVEL = 300;

class PartialRun {
  private readonly cache = new LeafCache();
  private readonly empty = pyDict([]);

  constructor(
    private readonly policy: EffectivePolicy,
    private readonly creds: PyValue,
  ) {}

  rule(rule: EnforcedRule, level: number, steps: SimulationStep[]): Condition {
    if (rule.type === 'plain-string')
      throw new Raises(`the rule is the plain string '${rule.value}': enforcing it raises`);
    return this.node(rule.tree, level, steps);
  }

  private node(node: CheckNode, level: number, steps: SimulationStep[]): Condition {
    if (level > MAX_LEVEL)
      throw new Unsure("the rules nest so deeply that the answer depends on Python's recursion limit");
    const children: SimulationStep[] = [];
    let condition: Condition;
    switch (node.type) {
      case 'always':
        condition = TRUE;
        break;
      case 'never':
        condition = FALSE;
        break;
      case 'not':
        condition = negate(this.node(node.operand, level + 1, children));
        break;
      case 'and':
      case 'or': {
        const operands: Condition[] = [];
        for (const operand of node.operands) {
          const value = this.node(operand, level + 1, children);
          operands.push(value);
          // Short-circuit exactly as oslo.policy: a decided operand that stops the junction ends it.
          if (
            (node.type === 'or' && value.type === 'true') ||
            (node.type === 'and' && value.type === 'false')
          )
            break;
        }
        condition = junction(node.type, operands);
        break;
      }
      case 'check':
        condition = this.leaf(node, level, children);
        break;
    }
    steps.push({ check: canonicalString(node), result: describeCondition(condition), children });
    return condition;
  }

  private leaf(node: LeafCheckNode, level: number, steps: SimulationStep[]): Condition {
    if (node.kindClass === 'http' || node.kindClass === 'https') {
      throw new Unsure(`the external check ${node.kind}:${node.match} is never performed by this tool`);
    }
    if (node.kindClass === 'rule') {
      const resolved = resolveRule(this.policy, node.match);
      if (!resolved) return FALSE;
      return this.rule(resolved.rule, level + 1, steps);
    }
    const placeholders = [...node.match.matchAll(/%\(([^)]*)\)s/g)];
    const otherFormats = /%(?!\([^)]*\)s)/.test(node.match.replace(/%%/g, ''));
    if (placeholders.length === 0 && !otherFormats) return this.decided(node);
    if (otherFormats)
      throw new Unsure(`'${node.match}' uses % formats this simulation does not model; give a target`);
    if (node.kindClass === 'role') {
      const roles = this.creds.t === 'dict' ? this.creds.map.get('roles') : undefined;
      if (!roles || (roles.t !== 'list' && roles.t !== 'tuple')) return FALSE;
      const values = roles.items
        .filter((r) => r.t === 'str')
        .map((r) => (r as { v: string }).v.toLowerCase());
      return { type: 'in', format: node.match, values };
    }
    // Generic: the value compared is a literal or a credential: decide it with an empty match.
    const expected = expectedValue(node.kind, this.creds, this.cache);
    // A credential path that is missing makes the check false whatever the target holds.
    if (expected === null) return FALSE;
    return expected.values.length === 1
      ? { type: 'equals', format: node.match, value: expected.values[0] }
      : { type: 'in', format: node.match, values: expected.values };
  }

  private decided(node: LeafCheckNode): Condition {
    const decision =
      node.kindClass === 'role'
        ? decideRole(node, this.creds, this.empty)
        : decideGeneric(node, this.creds, this.empty, this.cache);
    if (decision.outcome.kind === 'bool') return decision.outcome.value ? TRUE : FALSE;
    return outcomeError(decision.outcome);
  }
}

function outcomeError(outcome: Outcome): never {
  if (outcome.kind === 'raises') throw new Raises(describeOutcome(outcome));
  throw new Unsure(describeOutcome(outcome));
}

/** What `match % target` must render to: the literal kind's str(), or the credential values found. */
function expectedValue(kind: string, creds: PyValue, cache: LeafCache): { values: string[] } | null {
  const reading = cache.literalOf(kind);
  if (reading.kind === 'literal') return { values: [reading.text] };
  if (reading.kind === 'raises') throw new Raises(`${reading.exception}: ${reading.message}`);
  if (reading.kind === 'unpredictable') throw new Unsure(reading.reason);
  let current: PyValue[] = [creds];
  for (const segment of reading.segments) {
    const next: PyValue[] = [];
    for (const value of current) {
      const items = value.t === 'list' ? value.items : [value];
      for (const item of items) {
        if (item.t !== 'dict') continue;
        const found = item.map.get(segment);
        if (found !== undefined) next.push(found);
      }
    }
    current = next;
  }
  const values: string[] = [];
  for (const value of current) {
    for (const item of value.t === 'list' ? value.items : [value]) {
      try {
        values.push(pyToStr(item));
      } catch {
        throw new Unsure(`the credential ${kind} cannot be rendered as Python would`);
      }
    }
  }
  return values.length > 0 ? { values } : null;
}

function negate(condition: Condition): Condition {
  if (condition.type === 'true') return FALSE;
  if (condition.type === 'false') return TRUE;
  if (condition.type === 'not') return condition.operand;
  return { type: 'not', operand: condition };
}

function junction(type: 'and' | 'or', operands: Condition[]): Condition {
  const absorbing = type === 'and' ? 'false' : 'true';
  const neutral = type === 'and' ? 'true' : 'false';
  const kept: Condition[] = [];
  for (const operand of operands) {
    if (operand.type === absorbing) return operand;
    if (operand.type === neutral) continue;
    if (operand.type === type) kept.push(...operand.operands);
    else kept.push(operand);
  }
  if (kept.length === 0) return type === 'and' ? TRUE : FALSE;
  return kept.length === 1 ? kept[0] : { type, operands: kept };
}

function describeCondition(condition: Condition): string {
  if (condition.type === 'true') return 'true';
  if (condition.type === 'false') return 'false';
  return `depends on the target: ${renderCondition(condition)}`;
}

/** `%(owner)s == 'p1'`, `%(role)s in [admin, member]`, joined with and/or/not. */
export function renderCondition(condition: Condition): string {
  switch (condition.type) {
    case 'true':
      return 'always';
    case 'false':
      return 'never';
    case 'equals':
      return `${condition.format} == '${condition.value}'`;
    case 'in':
      return `${condition.format} in [${condition.values.map((v) => `'${v}'`).join(', ')}]`;
    case 'not':
      return `not (${renderCondition(condition.operand)})`;
    case 'and':
    case 'or':
      return condition.operands
        .map((o) => (o.type === 'and' || o.type === 'or' ? `(${renderCondition(o)})` : renderCondition(o)))
        .join(` ${condition.type} `);
  }
}
