import { canonicalString } from '../check/checkPrint';
import type { CheckNode, EnforcedRule, LeafCheckNode } from '../check/checkTypes';
import { withSystemFromScope } from '../engine/credentials';
import type { EffectivePolicy, PolicyOptions } from '../engine/effectivePolicy';
import { enforceByName, tokenScope } from '../engine/enforce';
import { Evaluator, resolveRule } from '../engine/evaluator';
import { decideGeneric, decideRole } from '../engine/leafChecks';
import { LeafCache } from '../engine/leafCache';
import { describeOutcome, type Outcome, type TraceNode } from '../engine/outcome';
import {
  EVAL_DEPTH_EXCEPTION,
  EVAL_DEPTH_MESSAGE,
  EVAL_LEAF_UNITS,
  EVAL_UNITS_PER_LEVEL,
  judgeDepth,
  unpredictableDepthReason,
} from '../engine/recursionLimit';
import { pyDict, type PyValue } from '../python/pyValue';
import {
  conditionKeys,
  FALSE,
  firstOf,
  junction,
  negate,
  renderCondition,
  swallowKeyError,
  TRUE,
  type Condition,
} from './condition';
import { constantOrSelf } from './constantCondition';
import { parseMatchPattern, type MatchPattern } from './matchFormat';
import { targetCondition } from './leafConditions';

/**
 * "Who can do this?" for one rule and one set of credentials. With a concrete target the answer
 * is the engine's exact decision. With the target left open the rule is partially evaluated:
 * every check that does not look at the target is decided as oslo.policy decides it, and what
 * remains is the condition on the target (`project_id == %(owner)s`), never a guess.
 */
export type Verdict = 'allowed' | 'denied' | 'conditional' | 'error' | 'unknown';

export interface SimulationStep {
  readonly check: string;
  readonly result: string;
  readonly children: readonly SimulationStep[];
}

export interface Simulation {
  readonly verdict: Verdict;
  /** Readable condition on the target, for `conditional` (and where an error or unknown sits). */
  readonly condition: string | null;
  readonly conditionTree: Condition | null;
  /** The target keys the answer depends on (`owner`), for short displays such as code lenses. */
  readonly keys: readonly string[];
  /** Why, for `error` and `unknown`. */
  readonly reason: string | null;
  readonly trace: readonly SimulationStep[];
  /** The mode assumed, in words. */
  readonly mode: string;
  /** True when a concrete target was given: the verdict is oslo.policy's exact decision. */
  readonly exact: boolean;
}

export interface SimulateOptions {
  /** Build the trace (on by default; the matrix turns it off for speed). */
  readonly trace?: boolean;
}

export function describeMode(options: PolicyOptions): string {
  const flags = [
    `enforce_new_defaults ${options.enforceNewDefaults ? 'on' : 'off'}`,
    `enforce_scope ${options.enforceScope ? 'on' : 'off'}`,
    options.defaultRule ? `default rule '${options.defaultRule}'` : 'no default rule',
  ];
  const name = options.enforceNewDefaults || options.enforceScope ? 'strict mode' : 'default mode';
  return `${name} (${flags.join(', ')})`;
}

/** One rule for one set of credentials; see `Simulator` for many. */
export function simulateRule(
  policy: EffectivePolicy,
  name: string,
  creds: PyValue,
  target: PyValue | null,
  options: SimulateOptions = {},
): Simulation {
  const simulator = new Simulator(policy);
  return target === null
    ? simulator.forCreds(creds).rule(name, options)
    : simulator.exact(name, creds, target);
}

/** Simulations over one policy; caches what does not depend on the credentials. */
export class Simulator {
  readonly mode: string;
  private readonly evaluator = new Evaluator();
  readonly leafCache = new LeafCache();
  readonly patterns = new Map<string, MatchPattern>();

  constructor(readonly policy: EffectivePolicy) {
    this.mode = describeMode(policy.options);
  }

  /** oslo.policy's exact decision with a concrete target, with the engine's trace. */
  exact(name: string, creds: PyValue, target: PyValue): Simulation {
    const decision = enforceByName(this.policy, this.evaluator, name, { creds, target, trace: true });
    const trace = decision.trace ? [traceStep(decision.trace)] : [];
    const outcome = decision.outcome;
    if (outcome.kind === 'bool') return finish(outcome.value ? TRUE : FALSE, this.mode, trace, true);
    return {
      verdict: outcome.kind === 'raises' ? 'error' : 'unknown',
      condition: null,
      conditionTree: null,
      keys: [],
      reason: describeOutcome(outcome),
      trace,
      mode: this.mode,
      exact: true,
    };
  }

  forCreds(creds: PyValue): CredsSimulation {
    return new CredsSimulation(this, creds);
  }

  pattern(match: string): MatchPattern {
    let pattern = this.patterns.get(match);
    if (!pattern) {
      pattern = parseMatchPattern(match);
      this.patterns.set(match, pattern);
    }
    return pattern;
  }
}

function finish(open: Condition, mode: string, trace: SimulationStep[], exact = false): Simulation {
  const condition = open.type === 'true' || open.type === 'false' ? open : constantOrSelf(open);
  const base = { conditionTree: null, keys: [], reason: null, trace, mode, exact };
  if (condition.type === 'true') return { verdict: 'allowed', condition: null, ...base };
  if (condition.type === 'false') return { verdict: 'denied', condition: null, ...base };
  const unknown = firstOf(condition, 'unknown');
  const raises = firstOf(condition, 'raises');
  const verdict: Verdict = unknown ? 'unknown' : raises ? 'error' : 'conditional';
  const reason =
    unknown?.type === 'unknown'
      ? unknown.reason
      : raises?.type === 'raises'
        ? `raises ${raises.exception}: ${raises.message}`
        : null;
  return {
    ...base,
    verdict,
    condition: renderCondition(condition),
    conditionTree: condition,
    keys: conditionKeys(condition),
    reason,
  };
}

/**
 * Rules that reference themselves on several branches make the condition grow exponentially
 * with depth (oslo.policy's own evaluation only stays small for a concrete target, thanks to
 * short-circuiting). Past this many visited checks the answer is unknown: give a target.
 */
const MAX_VISITED = 10_000;

class TooLarge extends Error {}

interface Memo {
  readonly condition: Condition;
  /** Levels used below the hop, to reuse the answer only where depth cannot change it. */
  readonly height: number;
}

/** Partial evaluation for one set of credentials; remembers each rule's condition for reuse. */
export class CredsSimulation {
  private readonly creds: PyValue;
  private readonly memo = new Map<string, Memo>();
  private readonly empty = pyDict([]);
  private tracing = false;
  private deepest = 0;
  private depthLimited = false;
  /** The evaluation reached a depth where the calling service's stack decides. */
  private reachedBand = false;
  /** Deciding as a service called from a shallow stack would: on to the depth no stack allows. */
  private shallow = false;
  private visited = 0;

  constructor(
    private readonly simulator: Simulator,
    creds: PyValue,
  ) {
    const policy = simulator.policy;
    this.creds = policy.options.ignoresSystemScope ? creds : withSystemFromScope(creds);
  }

  rule(name: string, options: SimulateOptions = {}): Simulation {
    const { policy, mode } = this.simulator;
    this.tracing = options.trace !== false;
    const note = (check: string, result: string): SimulationStep[] =>
      this.tracing ? [{ check, result, children: [] }] : [];
    if (policy.loadFailure) {
      const outcome = policy.loadFailure;
      const leaf: Condition =
        outcome.kind === 'raises'
          ? { type: 'raises', exception: outcome.exception, message: outcome.message }
          : { type: 'unknown', reason: outcome.reason };
      return finish(leaf, mode, note('loading the policy', describeOutcome(outcome)));
    }
    if (this.creds.t !== 'dict') {
      return finish(
        {
          type: 'raises',
          exception: 'InvalidContextObject',
          message: 'the credentials must be a JSON object',
        },
        mode,
        [],
      );
    }
    if (policy.rules.size === 0) return finish(FALSE, mode, note(name, 'no rules are loaded: denied'));
    const resolved = resolveRule(policy, name);
    if (!resolved) return finish(FALSE, mode, note(name, 'not defined and no default rule: denied'));
    const registered = policy.registered.get(name);
    if (registered && registered.scope_types.length > 0 && policy.options.enforceScope) {
      const scope = tokenScope(this.creds);
      if (!registered.scope_types.includes(scope)) {
        const check = `scope types [${registered.scope_types.join(', ')}]`;
        if (policy.options.scopeMismatchRaises)
          return finish(
            { type: 'raises', exception: 'InvalidScope', message: `${name} does not allow ${scope} scope` },
            mode,
            note(check, `raises InvalidScope: the token is ${scope}-scoped`),
          );
        return finish(FALSE, mode, note(check, `enforce_scope: the token is ${scope}-scoped: denied`));
      }
    }
    let steps: SimulationStep[] = [];
    this.visited = 0;
    this.reachedBand = false;
    let condition: Condition;
    try {
      condition = this.enforced(resolved.rule, 1, steps);
      if (this.reachedBand) {
        // As the engine decides: if a service with a shallow stack raises the limit's TypeError
        // too (a rule that refers to itself), every service does.
        const shallowSteps: SimulationStep[] = [];
        this.shallow = true;
        try {
          const shallow = this.enforced(resolved.rule, 1, shallowSteps);
          if (shallow.type === 'raises' && shallow.exception === EVAL_DEPTH_EXCEPTION) {
            condition = shallow;
            steps = shallowSteps;
          }
        } finally {
          this.shallow = false;
        }
      }
    } catch (error) {
      if (!(error instanceof TooLarge)) throw error;
      this.deepest = 0;
      this.depthLimited = false;
      return finish(
        {
          type: 'unknown',
          reason: `the condition on the target grows past ${MAX_VISITED} checks (rules that reference themselves); give a concrete target`,
        },
        mode,
        [],
      );
    }
    const origin = policy.rules.get(resolved.name)?.origin.kind;
    const head: SimulationStep[] = [];
    if (this.tracing && resolved.viaDefault)
      head.push({
        check: name,
        result: `not defined: the default rule '${resolved.name}' decides`,
        children: [],
      });
    if (this.tracing && origin === 'default-or-deprecated')
      head.push({
        check: name,
        result: 'registered default OR its deprecated default (enforce_new_defaults is off)',
        children: [],
      });
    if (this.tracing && origin === 'deprecated-override')
      head.push({ check: name, result: "the file's override of the deprecated name applies", children: [] });
    return finish(condition, mode, [...head, ...steps]);
  }

  private enforced(rule: EnforcedRule, level: number, steps: SimulationStep[]): Condition {
    if (rule.type === 'plain-string') {
      const condition: Condition = {
        type: 'raises',
        exception: 'AttributeError',
        message: "'str' object has no attribute '__call__'",
      };
      if (this.tracing)
        steps.push({
          check: `'${rule.value}'`,
          result: 'the stored rule is a plain string: raises',
          children: [],
        });
      return condition;
    }
    return this.node(rule.tree, level, steps);
  }

  private node(node: CheckNode, level: number, steps: SimulationStep[]): Condition {
    this.deepest = Math.max(this.deepest, level);
    if (++this.visited > MAX_VISITED) throw new TooLarge();
    const depth = judgeDepth(level * EVAL_UNITS_PER_LEVEL + EVAL_LEAF_UNITS);
    if (depth === 'raises' || (depth === 'unpredictable' && !this.shallow)) {
      this.depthLimited = true;
      if (depth === 'unpredictable') this.reachedBand = true;
      const condition: Condition =
        depth === 'raises'
          ? { type: 'raises', exception: EVAL_DEPTH_EXCEPTION, message: EVAL_DEPTH_MESSAGE }
          : { type: 'unknown', reason: unpredictableDepthReason('The evaluation') };
      return this.step(node, condition, '', [], steps);
    }
    const children: SimulationStep[] = [];
    let condition: Condition;
    let detail = '';
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
        const stop = node.type === 'or' ? 'true' : 'false';
        for (const operand of node.operands) {
          const value = this.node(operand, level + 1, children);
          operands.push(value);
          // oslo.policy short-circuits left to right: later operands are never evaluated. After
          // a check that raises, nothing else is; after one this tool does not decide, the
          // answer is unknown whatever follows.
          if (value.type === stop || value.type === 'raises' || value.type === 'unknown') break;
        }
        condition = junction(node.type, operands);
        break;
      }
      case 'check': {
        const leaf = this.leaf(node, level, children);
        condition = leaf.condition;
        detail = leaf.detail;
        break;
      }
    }
    return this.step(node, condition, detail, children, steps);
  }

  private step(
    node: CheckNode,
    condition: Condition,
    detail: string,
    children: SimulationStep[],
    steps: SimulationStep[],
  ): Condition {
    if (this.tracing) {
      const result = describeCondition(condition);
      steps.push({
        check: canonicalString(node),
        result: detail ? `${result} — ${detail}` : result,
        children,
      });
    }
    return condition;
  }

  private leaf(
    node: LeafCheckNode,
    level: number,
    steps: SimulationStep[],
  ): { condition: Condition; detail: string } {
    switch (node.kindClass) {
      case 'http':
      case 'https':
        return {
          condition: {
            type: 'unknown',
            reason: `the external check ${node.kind}:${node.match} is never performed by this tool`,
          },
          detail: 'oslo.policy would POST the target and credentials there',
        };
      case 'rule':
        return this.ruleHop(node, level, steps);
      default:
        break;
    }
    if (node.match.indexOf('%') < 0) {
      // No formatting: the target is not read, so the check is decided exactly now.
      const decision =
        node.kindClass === 'role'
          ? decideRole(node, this.creds, this.empty)
          : decideGeneric(node, this.creds, this.empty, this.simulator.leafCache);
      return { condition: fromOutcome(decision.outcome), detail: this.tracing ? decision.detail() : '' };
    }
    const condition = targetCondition(
      node,
      this.simulator.pattern(node.match),
      this.creds,
      this.simulator.leafCache,
      () =>
        fromOutcome(
          (node.kindClass === 'role'
            ? decideRole(node, this.creds, this.empty)
            : decideGeneric(node, this.creds, this.empty, this.simulator.leafCache)
          ).outcome,
        ),
    );
    const detail =
      this.tracing && condition.type === 'false'
        ? `no target can make it hold (${node.kindClass === 'role' ? 'the roles' : `credential ${node.kind}`} cannot match)`
        : '';
    return { condition, detail };
  }

  private ruleHop(
    node: LeafCheckNode,
    level: number,
    steps: SimulationStep[],
  ): { condition: Condition; detail: string } {
    const policy = this.simulator.policy;
    const resolved = resolveRule(policy, node.match);
    if (!resolved)
      return { condition: FALSE, detail: `rule '${node.match}' is not defined and there is no default rule` };
    const detail = resolved.viaDefault
      ? `rule '${node.match}' is not defined: the default rule '${resolved.name}' decides`
      : '';
    const memo = this.tracing ? undefined : this.memo.get(resolved.name);
    if (memo && judgeDepth((level + memo.height) * EVAL_UNITS_PER_LEVEL + EVAL_LEAF_UNITS) === 'safe')
      return { condition: memo.condition, detail };
    const deepest = this.deepest;
    const limited = this.depthLimited;
    this.deepest = level;
    this.depthLimited = false;
    const condition = swallowKeyError(this.enforced(resolved.rule, level + 1, steps));
    if (!this.tracing && !this.depthLimited)
      this.memo.set(resolved.name, { condition, height: this.deepest - level });
    this.deepest = Math.max(deepest, this.deepest);
    this.depthLimited ||= limited;
    return { condition, detail };
  }
}

function fromOutcome(outcome: Outcome): Condition {
  switch (outcome.kind) {
    case 'bool':
      return outcome.value ? TRUE : FALSE;
    case 'raises':
      return { type: 'raises', exception: outcome.exception, message: outcome.message };
    case 'unknown':
      return { type: 'unknown', reason: outcome.reason };
  }
}

function describeCondition(condition: Condition): string {
  switch (condition.type) {
    case 'true':
      return 'holds';
    case 'false':
      return 'fails';
    case 'raises':
      return `raises ${condition.exception}: ${condition.message}`;
    case 'unknown':
      return `unknown: ${condition.reason}`;
    default:
      return `open: ${renderCondition(condition)}`;
  }
}

function traceStep(node: TraceNode): SimulationStep {
  return {
    check: node.node ? canonicalString(node.node) : node.rule ? `rule ${node.rule}` : 'enforce',
    result: `${describeOutcome(node.outcome)}${node.detail ? ` — ${node.detail}` : ''}`,
    children: node.children.map(traceStep),
  };
}
