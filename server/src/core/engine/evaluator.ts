import type { CheckNode, EnforcedRule, LeafCheckNode } from '../check/checkTypes';
import type { PyValue } from '../python/pyValue';
import { decideGeneric, decideRole } from './leafChecks';
import {
  FALSE,
  TRUE,
  boolOutcome,
  raises,
  unknown,
  type Decision,
  type Outcome,
  type TraceNode,
} from './outcome';
import {
  EVAL_DEPTH_EXCEPTION,
  EVAL_DEPTH_MESSAGE,
  EVAL_LEAF_UNITS,
  EVAL_UNITS_PER_LEVEL,
  judgeDepth,
  PYTHON_RECURSION_LIMIT,
  SERVICE_STACK_ALLOWANCE,
  unpredictableDepthReason,
} from './recursionLimit';
import { LeafCache } from './leafCache';

/** The loaded rules, as oslo.policy's `Rules` dict with its default-rule fallback. */
export interface RuleSet {
  /** The rule stored under `name`, if any (no fallback). */
  get(name: string): EnforcedRule | undefined;
  /** The default rule's name, or null when the fallback is disabled. */
  readonly defaultRule: string | null;
}

export interface ResolvedRule {
  readonly name: string;
  readonly rule: EnforcedRule;
  readonly viaDefault: boolean;
}

/** oslo.policy's `Rules.__missing__`: an unknown name falls back to the default rule if it is defined. */
export function resolveRule(rules: RuleSet, name: string): ResolvedRule | null {
  const rule = rules.get(name);
  if (rule) return { name, rule, viaDefault: false };
  const fallback = rules.defaultRule;
  if (!fallback) return null;
  const defaultRule = rules.get(fallback);
  return defaultRule ? { name: fallback, rule: defaultRule, viaDefault: true } : null;
}

export interface EvaluationInput {
  readonly rules: RuleSet;
  readonly creds: PyValue;
  readonly target: PyValue;
  /** Collect a trace of every sub-check (slower); off for bulk decisions. */
  readonly trace?: boolean;
}

/**
 * Decides checks exactly as oslo.policy 4.x's `Check.__call__` methods do: left-to-right
 * short-circuit, errors propagating (only a `rule:` hop swallows KeyError), `http:` checks
 * never performed.
 */
export class Evaluator {
  private readonly leafCache = new LeafCache();

  decide(rule: EnforcedRule, input: EvaluationInput): Decision {
    const run = new EvaluationRun(input, this.leafCache);
    return run.rootRule(rule);
  }
}

class EvaluationRun {
  private readonly tracing: boolean;
  /** The evaluation reached a depth where the calling service's stack decides. */
  private reachedBand = false;
  /** Deciding as a service called from a shallow stack would: on to the depth no stack allows. */
  private shallow = false;

  constructor(
    private readonly input: EvaluationInput,
    private readonly cache: LeafCache,
  ) {
    this.tracing = input.trace === true;
  }

  rootRule(rule: EnforcedRule): Decision {
    const decision = this.decideRoot(rule);
    if (!this.reachedBand) return decision;
    // A service with a deep stack raises where the depth became unpredictable; one with a
    // shallow stack evaluates on. If even that one raises the TypeError of the limit (a rule
    // that refers to itself), every service does.
    this.shallow = true;
    const shallow = this.decideRoot(rule);
    const outcome = shallow.outcome;
    return outcome.kind === 'raises' && outcome.exception === EVAL_DEPTH_EXCEPTION ? shallow : decision;
  }

  private decideRoot(rule: EnforcedRule): Decision {
    if (!this.tracing) return { outcome: this.ruleOutcome(rule, 1), trace: null };
    const trace = this.rule(rule, 1);
    return { outcome: trace.outcome, trace };
  }

  /** The same decisions as `rule`/`node` below, without building a trace (bulk decisions). */
  private ruleOutcome(rule: EnforcedRule, level: number): Outcome {
    if (rule.type === 'plain-string')
      return raises('AttributeError', "'str' object has no attribute '__call__'");
    return this.outcome(rule.tree, level);
  }

  private outcome(node: CheckNode, level: number): Outcome {
    if (level * EVAL_UNITS_PER_LEVEL + EVAL_LEAF_UNITS + SERVICE_STACK_ALLOWANCE > PYTHON_RECURSION_LIMIT) {
      return this.node(node, level).outcome;
    }
    switch (node.type) {
      case 'always':
        return TRUE;
      case 'never':
        return FALSE;
      case 'not': {
        const inner = this.outcome(node.operand, level + 1);
        return inner.kind === 'bool' ? boolOutcome(!inner.value) : inner;
      }
      case 'and':
      case 'or': {
        const stopOn = node.type === 'or';
        for (const operand of node.operands) {
          const child = this.outcome(operand, level + 1);
          if (child.kind !== 'bool' || child.value === stopOn) return child;
        }
        return boolOutcome(!stopOn);
      }
      case 'check':
        switch (node.kindClass) {
          case 'rule': {
            const resolved = resolveRule(this.input.rules, node.match);
            if (!resolved) return FALSE;
            const inner = this.ruleOutcome(resolved.rule, level + 1);
            return inner.kind === 'raises' && inner.exception === 'KeyError' ? FALSE : inner;
          }
          case 'role':
            return decideRole(node, this.input.creds, this.input.target).outcome;
          case 'generic':
            return decideGeneric(node, this.input.creds, this.input.target, this.cache).outcome;
          default:
            return this.leaf(node, level).outcome;
        }
    }
  }

  /** Evaluates a stored rule as `_checks._check` does. `level` counts nesting for the recursion model. */
  private rule(rule: EnforcedRule, level: number): TraceNode {
    if (rule.type === 'plain-string') {
      // `_check` asks `inspect.getfullargspec(rule.__call__)` of a plain string.
      return this.leafResult(
        null,
        raises('AttributeError', "'str' object has no attribute '__call__'"),
        () => `the stored rule is the plain string '${rule.value}'`,
      );
    }
    return this.node(rule.tree, level);
  }

  private node(node: CheckNode, level: number): TraceNode {
    const depth = judgeDepth(level * EVAL_UNITS_PER_LEVEL + EVAL_LEAF_UNITS);
    if (depth === 'raises') {
      const outcome = raises(
        EVAL_DEPTH_EXCEPTION,
        `${EVAL_DEPTH_MESSAGE} (Python's recursion limit, hit while evaluating nested checks)`,
        node.span,
      );
      return this.leafResult(node, outcome, () => 'too deep');
    }
    if (depth === 'unpredictable' && !this.shallow) {
      this.reachedBand = true;
      return this.leafResult(
        node,
        unknown(unpredictableDepthReason('The evaluation'), node.span),
        () => 'too deep',
      );
    }
    switch (node.type) {
      case 'always':
        return this.leafResult(node, TRUE, () => '@ always allows');
      case 'never':
        return this.leafResult(node, FALSE, () => neverDetail(node.cause));
      case 'not': {
        const inner = this.node(node.operand, level + 1);
        const outcome = inner.outcome.kind === 'bool' ? boolOutcome(!inner.outcome.value) : inner.outcome;
        return this.composite(node, outcome, [inner], () => 'not');
      }
      case 'and':
      case 'or':
        return this.junction(node, level);
      case 'check':
        return this.leaf(node, level);
    }
  }

  private junction(node: CheckNode & { type: 'and' | 'or' }, level: number): TraceNode {
    const stopOn = node.type === 'or';
    const children: TraceNode[] = [];
    let outcome: Outcome = boolOutcome(!stopOn);
    for (const operand of node.operands) {
      const child = this.node(operand, level + 1);
      children.push(child);
      // An unknown operand (an http: check, an unpredictable depth) could have raised or
      // short-circuited: the junction is unknown too.
      if (child.outcome.kind !== 'bool' || child.outcome.value === stopOn) {
        outcome = child.outcome;
        break;
      }
    }
    return this.composite(node, outcome, children, () => node.type);
  }

  private leaf(node: LeafCheckNode, level: number): TraceNode {
    switch (node.kindClass) {
      case 'rule':
        return this.ruleHop(node, level);
      case 'http':
      case 'https':
        return this.leafResult(
          node,
          unknown(
            `oslo.policy would POST the target and credentials to ${node.kind}:${node.match} and allow if it ` +
              `answers True; this tool never performs network calls`,
            node.span,
          ),
          () => 'external check not performed',
        );
      case 'role': {
        const { outcome, detail } = decideRole(node, this.input.creds, this.input.target);
        return this.leafResult(node, outcome, detail);
      }
      case 'generic': {
        const { outcome, detail } = decideGeneric(node, this.input.creds, this.input.target, this.cache);
        return this.leafResult(node, outcome, detail);
      }
    }
  }

  private ruleHop(node: LeafCheckNode, level: number): TraceNode {
    const resolved = resolveRule(this.input.rules, node.match);
    if (!resolved) {
      return this.leafResult(
        node,
        FALSE,
        () => `rule '${node.match}' is not defined and there is no default rule`,
      );
    }
    const inner = this.rule(resolved.rule, level + 1);
    // RuleCheck catches KeyError from the referenced rule and fails closed.
    const outcome =
      inner.outcome.kind === 'raises' && inner.outcome.exception === 'KeyError' ? FALSE : inner.outcome;
    const detail = resolved.viaDefault
      ? () => `rule '${node.match}' is not defined: the default rule '${resolved.name}' decides`
      : () => `rule '${node.match}'`;
    if (!this.tracing) return { node, outcome, detail: '', children: [] };
    return { node, rule: resolved.name, outcome, detail: detail(), children: [inner] };
  }

  private leafResult(node: CheckNode | null, outcome: Outcome, detail: () => string): TraceNode {
    return { node, outcome, detail: this.tracing ? detail() : '', children: [] };
  }

  private composite(
    node: CheckNode,
    outcome: Outcome,
    children: TraceNode[],
    detail: () => string,
  ): TraceNode {
    return { node, outcome, detail: this.tracing ? detail() : '', children: this.tracing ? children : [] };
  }
}

function neverDetail(cause: string): string {
  switch (cause) {
    case 'no-colon':
      return 'a check without a colon is treated as ! (never)';
    case 'parse-failure':
      return 'the rule failed to parse, so oslo.policy denies it';
    default:
      return '! never allows';
  }
}
