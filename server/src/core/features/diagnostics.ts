import type { Span } from '../check/checkTypes';
import type { EffectivePolicy } from '../engine/effectivePolicy';
import type { LoadedFile } from '../engine/loadPolicy';
import { closestNames } from '../text/similar';
import type { PolicyDiagnostic } from './diagnosticTypes';
import { ruleCycles, ruleReferences } from './ruleGraph';

/**
 * The diagnostics of one policy file, given the effective policy it takes part in (the file,
 * its policy.d siblings and the registered defaults).
 */
export function fileDiagnostics(file: LoadedFile, policy: EffectivePolicy): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  for (const problem of file.document.problems) {
    diagnostics.push({
      span: problem.span,
      severity: problem.severity,
      code: problem.code,
      message: problem.message,
    });
  }
  for (const { parsed } of file.entries) {
    for (const problem of parsed.problems) {
      const severity = problem.code === 'not-a-string' && !parsed.failed ? 'warning' : 'error';
      diagnostics.push({ span: problem.span, severity, code: problem.code, message: problem.message });
    }
  }
  if (file.failure && file.failure.kind === 'raises' && !hasErrorAt(diagnostics, file.failure.at)) {
    diagnostics.push({
      span: file.failure.at ?? { start: 0, end: 0 },
      severity: 'error',
      code: 'load-failure',
      message: `oslo.policy cannot load this file (${file.failure.exception}: ${file.failure.message}): every request the service checks fails.`,
    });
  }
  diagnostics.push(...policyLoadFailure(file, policy, diagnostics));
  diagnostics.push(...duplicateKeys(file), ...undefinedReferences(file, policy), ...cycles(file, policy));
  return diagnostics;
}

/**
 * A failure of `load_rules()` beyond reading this file: `str(check)` of a rule nested past
 * Python's recursion limit, or `check_rules` walking a chain of references too deep. Without
 * this a 10,000-deep rule looked clean while the service raised on every request.
 */
function policyLoadFailure(
  file: LoadedFile,
  policy: EffectivePolicy,
  earlier: readonly PolicyDiagnostic[],
): PolicyDiagnostic[] {
  const failure = policy.loadFailure;
  if (!failure || file.failure) return [];
  const at = failure.at;
  // Another layer's rule: reported in that file.
  if (
    at &&
    !file.entries.some(({ entry }) => entry.value.span.start === at.start && entry.value.span.end === at.end)
  )
    return [];
  if (hasErrorAt(earlier, at)) return [];
  const span = at ?? { start: 0, end: 0 };
  if (failure.kind === 'raises') {
    return [
      {
        span,
        severity: 'error',
        code: 'load-failure',
        message: `oslo.policy cannot load this policy (${failure.exception}: ${failure.message}): every request the service checks fails.`,
      },
    ];
  }
  return [
    {
      span,
      severity: 'warning',
      code: 'load-failure',
      message: `Whether oslo.policy can load this policy depends on the service: ${failure.reason}.`,
    },
  ];
}

function hasErrorAt(diagnostics: readonly PolicyDiagnostic[], span: Span | undefined): boolean {
  if (!span) return false;
  return diagnostics.some(
    (d) => d.severity === 'error' && d.span.start <= span.start && span.start <= d.span.end,
  );
}

function duplicateKeys(file: LoadedFile): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  const winners = new Map<string, Span>();
  for (const { entry, wins } of file.entries)
    if (wins && entry.name !== null) winners.set(entry.name, entry.keySpan);
  for (const { entry, wins } of file.entries) {
    if (wins || entry.name === null) continue;
    const winner = winners.get(entry.name);
    diagnostics.push({
      span: entry.keySpan,
      severity: 'warning',
      code: 'duplicate-key',
      message: `'${entry.name}' is defined again later in this file: this definition is ignored (the last one wins).`,
      related: winner ? [{ span: winner, message: 'the definition that applies' }] : undefined,
      tags: ['unnecessary'],
    });
  }
  return diagnostics;
}

function undefinedReferences(file: LoadedFile, policy: EffectivePolicy): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  const fallback = policy.defaultRule && policy.rules.has(policy.defaultRule) ? policy.defaultRule : null;
  for (const { entry, parsed, wins } of file.entries) {
    if (!wins) continue;
    for (const reference of ruleReferences(parsed.display)) {
      if (policy.rules.has(reference.match)) continue;
      const suggestions = closestNames(reference.match, policy.rules.keys());
      const hint =
        suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : '';
      const consequence = fallback
        ? `oslo.policy falls back to the default rule '${fallback}' here.`
        : 'This check is always false.';
      diagnostics.push({
        span: reference.matchSpan,
        severity: fallback ? 'warning' : 'error',
        code: 'undefined-rule',
        message: `Rule '${reference.match}' is not defined (in ${entry.name ?? 'this rule'}). ${consequence}${hint}`,
      });
    }
  }
  return diagnostics;
}

function cycles(file: LoadedFile, policy: EffectivePolicy): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  const components = ruleCycles(policy);
  if (components.length === 0) return diagnostics;
  const componentOf = new Map<string, string[]>();
  for (const component of components) for (const name of component) componentOf.set(name, component);
  const keySpans = new Map<string, Span>();
  for (const { entry, wins } of file.entries)
    if (wins && entry.name !== null) keySpans.set(entry.name, entry.keySpan);
  // A cycle through thousands of rules must not yield thousands of messages each naming all of
  // them (quadratic memory): name the first few, relate each reference to the next rule only.
  const members = new Map<string[], Set<string>>();
  const described = new Map<string[], { path: string; related: { span: Span; message: string }[] }>();
  for (const { entry, parsed, wins } of file.entries) {
    if (!wins || entry.name === null) continue;
    const component = componentOf.get(entry.name);
    if (!component || policy.rules.get(entry.name)?.origin.kind !== 'file') continue;
    let inComponent = members.get(component);
    if (!inComponent) members.set(component, (inComponent = new Set(component)));
    let description = described.get(component);
    if (!description) {
      const shown = component.slice(0, CYCLE_NAMES_SHOWN);
      const path =
        component.length > CYCLE_NAMES_SHOWN
          ? `${shown.join(' → ')} → … (${component.length - CYCLE_NAMES_SHOWN} more) → ${component[0]}`
          : [...component, component[0]].join(' → ');
      const related = component
        .filter((name) => keySpans.has(name))
        .map((name) => ({ span: keySpans.get(name)!, message: `'${name}' is on the cycle` }));
      described.set(component, (description = { path, related }));
    }
    for (const reference of ruleReferences(parsed.display)) {
      if (!inComponent.has(reference.match)) continue;
      // A long cycle relates each reference to its next rule only (the edge), not to every rule.
      const next = keySpans.get(reference.match);
      const related =
        component.length <= CYCLE_NAMES_SHOWN || !next
          ? description.related
          : [{ span: next, message: `'${reference.match}' is next on the cycle` }];
      diagnostics.push({
        span: reference.span,
        severity: 'error',
        code: 'rule-cycle',
        message:
          `'${entry.name}' refers to '${reference.match}', which leads back to it ` +
          `(cycle: ${description.path}). When evaluation reaches the cycle, oslo.policy recurses until RecursionError.`,
        related,
      });
    }
  }
  return diagnostics;
}

const CYCLE_NAMES_SHOWN = 12;
