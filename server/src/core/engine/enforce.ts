import type { EnforcedRule } from '../check/checkTypes';
import { pyTypeName, type PyValue } from '../python/pyValue';
import type { EffectivePolicy } from './effectivePolicy';
import type { Evaluator } from './evaluator';
import { resolveRule } from './evaluator';
import { FALSE, raises, type Decision, type TraceNode } from './outcome';
import { pyTruthy, withSystemFromScope } from './credentials';

export type TokenScope = 'system' | 'domain' | 'project';

/** `_enforce_scope`: system if creds['system'] is truthy, else domain if creds['domain_id'] is, else project. */
export function tokenScope(creds: PyValue): TokenScope {
  if (creds.t !== 'dict') return 'project';
  const system = creds.map.get('system');
  if (system && pyTruthy(system)) return 'system';
  const domain = creds.map.get('domain_id');
  if (domain && pyTruthy(domain)) return 'domain';
  return 'project';
}

export interface EnforceRequest {
  readonly creds: PyValue;
  readonly target: PyValue;
  readonly trace?: boolean;
}

/**
 * `Enforcer.enforce(rule_name, target, creds)` with `do_raise=False`. Returns the library's
 * decision, its exception, or unknown, with a trace when asked.
 */
export function enforceByName(
  policy: EffectivePolicy,
  evaluator: Evaluator,
  name: string,
  request: EnforceRequest,
): Decision {
  const early = preflight(policy, request.creds);
  if (early) return early;
  const creds = policy.options.ignoresSystemScope ? request.creds : withSystemFromScope(request.creds);
  if (policy.rules.size === 0)
    return leafDecision(FALSE, 'no rules are loaded: oslo.policy fails closed', request);
  const resolved = resolveRule(policy, name);
  if (!resolved) {
    return leafDecision(FALSE, `rule '${name}' does not exist and there is no default rule`, request);
  }
  const registered = policy.registered.get(name);
  if (registered && registered.scope_types.length > 0) {
    const scope = tokenScope(creds);
    if (!registered.scope_types.includes(scope) && policy.options.enforceScope) {
      if (policy.options.scopeMismatchRaises) {
        const message = `${name} requires a scope of ['${registered.scope_types.join("', '")}'], request was made with ${scope} scope.`;
        return leafDecision(raises('InvalidScope', message), `enforce_scope: ${message}`, request);
      }
      return leafDecision(
        FALSE,
        `enforce_scope: the token is ${scope}-scoped but '${name}' allows only ${registered.scope_types.join(', ')}`,
        request,
      );
    }
  }
  const decision = evaluator.decide(resolved.rule, {
    rules: policy,
    creds,
    target: request.target,
    trace: request.trace,
  });
  if (!resolved.viaDefault || !decision.trace) return decision;
  const trace: TraceNode = {
    node: null,
    rule: resolved.name,
    outcome: decision.outcome,
    detail: `rule '${name}' does not exist: the default rule '${resolved.name}' decides`,
    children: [decision.trace],
  };
  return { outcome: decision.outcome, trace };
}

/** `Enforcer.enforce(check, target, creds)` for a check given directly (no name, so no scope types). */
export function enforceCheck(
  policy: EffectivePolicy,
  evaluator: Evaluator,
  rule: EnforcedRule,
  request: EnforceRequest,
): Decision {
  const early = preflight(policy, request.creds);
  if (early) return early;
  const creds = policy.options.ignoresSystemScope ? request.creds : withSystemFromScope(request.creds);
  return evaluator.decide(rule, { rules: policy, creds, target: request.target, trace: request.trace });
}

function preflight(policy: EffectivePolicy, creds: PyValue): Decision | null {
  if (policy.loadFailure) return { outcome: policy.loadFailure, trace: null };
  if (creds.t !== 'dict') {
    return {
      outcome: raises(
        'InvalidContextObject',
        `Expected type oslo_context.context.RequestContext, dict, or the output of ` +
          `oslo_context.context.RequestContext.to_policy_values but got ${pyTypeName(creds)} instead`,
      ),
      trace: null,
    };
  }
  return null;
}

function leafDecision(outcome: Decision['outcome'], detail: string, request: EnforceRequest): Decision {
  return { outcome, trace: request.trace ? { node: null, outcome, detail, children: [] } : null };
}
