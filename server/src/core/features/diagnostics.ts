import { matchSpanOf, type Span } from '../check/checkTypes';
import { shiftSpan } from '../document/shiftEntry';
import type { EffectivePolicy } from '../engine/effectivePolicy';
import type { LoadedFile, ParsedEntry } from '../engine/loadPolicy';
import { EVAL_DEPTH_EXCEPTION, EVAL_DEPTH_MESSAGE } from '../engine/recursionLimit';
import { closestNames } from '../text/similar';
import type { PolicyDiagnostic, RelatedInformation } from './diagnosticTypes';
import { placedDiagnostics } from './entryPassMemo';
import { diagnosticPasses, type DiagnosticPasses } from './featureMemo';
import { ruleCycles, ruleReferences } from './ruleGraph';

/**
 * The diagnostics of one policy file, given the effective policy it takes part in (the file,
 * its policy.d siblings and the registered defaults).
 */
export function fileDiagnostics(
  file: LoadedFile,
  policy: EffectivePolicy,
  passes: DiagnosticPasses = diagnosticPasses(),
): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  for (const problem of file.document.problems) {
    diagnostics.push({
      span: problem.span,
      severity: problem.severity,
      code: problem.code,
      message: problem.message,
    });
  }
  const withProblems = passes.problems.run(file, [], (parsedEntry) =>
    parsedEntry.relative.problems.length > 0 ? parsedEntry.relative : null,
  );
  // Values start at distinct places, except entries sharing a node through an alias: once each.
  const reported = new Set<number>();
  withProblems.indices.forEach((index, at) => {
    const parsed = withProblems.answers[at];
    const base = file.entries[index].base;
    if (reported.has(base)) return;
    reported.add(base);
    for (const problem of parsed.problems) {
      const severity = problem.code === 'not-a-string' && !parsed.failed ? 'warning' : 'error';
      diagnostics.push({
        span: shiftSpan(problem.span, base),
        severity,
        code: problem.code,
        message: problem.message,
      });
    }
  });
  if (
    file.failure &&
    file.failure.kind === 'raises' &&
    !hasDiagnosticAt(diagnostics, file.failure.at, 'error')
  ) {
    diagnostics.push({
      span: file.failure.at ?? { start: 0, end: 0 },
      severity: 'error',
      code: 'load-failure',
      message: `oslo.policy cannot load this file (${file.failure.exception}: ${file.failure.message}): every request the service checks fails.`,
    });
  }
  if (file.failure && file.failure.kind === 'unknown' && !hasDiagnosticAt(diagnostics, file.failure.at)) {
    diagnostics.push({
      span: file.failure.at ?? { start: 0, end: 0 },
      severity: 'warning',
      code: 'load-failure',
      message: `Whether oslo.policy loads this file as read here is not certain: ${file.failure.reason}.`,
    });
  }
  diagnostics.push(...policyLoadFailure(file, policy, diagnostics));
  diagnostics.push(
    ...duplicateKeys(file),
    ...undefinedReferences(file, policy, passes),
    ...cycles(file, policy),
  );
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
  if (hasDiagnosticAt(earlier, at, 'error')) return [];
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

/** A diagnostic (of `severity`, when given) at the span: a failure is reported once, by whoever found it. */
function hasDiagnosticAt(
  diagnostics: readonly PolicyDiagnostic[],
  span: Span | undefined,
  severity?: PolicyDiagnostic['severity'],
): boolean {
  if (!span) return false;
  return diagnostics.some(
    (d) => (!severity || d.severity === severity) && d.span.start <= span.start && span.start <= d.span.end,
  );
}

function duplicateKeys(file: LoadedFile): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  if (file.entries.every((entry) => entry.wins)) return diagnostics;
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

function undefinedReferences(
  file: LoadedFile,
  policy: EffectivePolicy,
  passes: DiagnosticPasses,
): PolicyDiagnostic[] {
  const fallback = policy.defaultRule && policy.rules.has(policy.defaultRule) ? policy.defaultRule : null;
  // The answers hold while the same names are defined (the same shape).
  const found = passes.undefinedRules.run(file, [policy.shape ?? policy, fallback], (parsedEntry) =>
    parsedEntry.wins && !policy.definesAll(parsedEntry.references)
      ? relativeUndefinedReferences(parsedEntry, policy, fallback)
      : null,
  );
  return placedDiagnostics(file, found);
}

/** Spans relative to the entry's value, like its `references`. */
function relativeUndefinedReferences(
  parsedEntry: ParsedEntry,
  policy: EffectivePolicy,
  fallback: string | null,
): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  const entry = parsedEntry.entry;
  for (const reference of parsedEntry.references) {
    if (policy.rules.has(reference.match)) continue;
    const suggestions = closestNames(reference.match, policy.rules.keys());
    const hint =
      suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : '';
    const consequence = fallback
      ? `oslo.policy falls back to the default rule '${fallback}' here.`
      : 'This check is always false.';
    diagnostics.push({
      span: matchSpanOf(reference),
      severity: fallback ? 'warning' : 'error',
      code: 'undefined-rule',
      message: `Rule '${reference.match}' is not defined (in ${entry.name ?? 'this rule'}). ${consequence}${hint}`,
    });
  }
  return diagnostics;
}

function cycles(file: LoadedFile, policy: EffectivePolicy): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  const components = ruleCycles(policy);
  if (components.length === 0) return diagnostics;
  const componentOf = new Map<string, string[]>();
  for (const component of components) for (const name of component) componentOf.set(name, component);
  const byName = new Map<string, ParsedEntry>();
  for (const parsedEntry of file.entries)
    if (parsedEntry.wins && parsedEntry.entry.name !== null) byName.set(parsedEntry.entry.name, parsedEntry);
  const members = new Map<string[], Set<string>>();
  const memberSet = (component: string[]): Set<string> => {
    let found = members.get(component);
    if (!found) members.set(component, (found = new Set(component)));
    return found;
  };
  // Related information along the edges: in every rule of the cycle, its reference to the next.
  // A cycle through thousands of rules must not give thousands of messages each relating all
  // of them (quadratic memory): beyond a few rules, each reference relates to its edge only.
  const edges = new Map<string[], RelatedInformation[]>();
  const edgesOf = (component: string[]): RelatedInformation[] => {
    let found = edges.get(component);
    if (!found) {
      found = [];
      const inComponent = memberSet(component);
      for (const name of component) {
        const from = byName.get(name);
        if (!from) continue;
        for (const reference of ruleReferences(from.parsed.display))
          if (inComponent.has(reference.match))
            found.push({ span: reference.span, message: `'${name}' → '${reference.match}'` });
      }
      edges.set(component, found);
    }
    return found;
  };
  const paths = new Map<string[], string>();
  const pathOf = (component: string[]): string => {
    let path = paths.get(component);
    if (path === undefined) {
      const shown = component.slice(0, CYCLE_NAMES_SHOWN);
      path =
        component.length > CYCLE_NAMES_SHOWN
          ? `${shown.join(' → ')} → … (${component.length - CYCLE_NAMES_SHOWN} more) → ${component[0]}`
          : [...component, component[0]].join(' → ');
      paths.set(component, path);
    }
    return path;
  };
  for (const parsedEntry of file.entries) {
    const entry = parsedEntry.entry;
    if (!parsedEntry.wins || entry.name === null) continue;
    const component = componentOf.get(entry.name);
    if (!component || policy.rules.get(entry.name)?.origin.kind !== 'file') continue;
    const inComponent = memberSet(component);
    for (const reference of ruleReferences(parsedEntry.parsed.display)) {
      if (!inComponent.has(reference.match)) continue;
      const related: RelatedInformation[] =
        component.length <= CYCLE_NAMES_SHOWN
          ? edgesOf(component)
          : [{ span: reference.span, message: `'${entry.name}' → '${reference.match}'` }];
      diagnostics.push({
        span: reference.span,
        severity: 'error',
        code: 'rule-cycle',
        message:
          `'${entry.name}' refers to '${reference.match}', which leads back to it ` +
          `(cycle: ${pathOf(component)}). When evaluation reaches the cycle, oslo.policy recurses to Python's recursion limit and raises ${EVAL_DEPTH_EXCEPTION} (${EVAL_DEPTH_MESSAGE}).`,
        related,
      });
    }
  }
  return diagnostics;
}

const CYCLE_NAMES_SHOWN = 12;
