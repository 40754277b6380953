import { kindSpanOf, matchSpanOf, type CheckNode, type LeafCheckNode, type Span } from '../check/checkTypes';
import type { RegisteredRule } from '../catalog/catalogTypes';
import type { PolicyAnalysis } from './analysis';
import type { PolicyDiagnostic } from './diagnosticTypes';
import { fileDiagnostics } from './diagnostics';
import { placedDiagnostics } from './entryPassMemo';
import {
  laterDefinition,
  layerLabel,
  namesDefinedLater,
  namesReferencedByLayers,
  type LayerDefinition,
} from './layers';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every diagnostic of a document: the file's own problems, then what the service's registered
 * defaults reveal (unknown and deprecated names, redundant overrides, attributes never
 * provided, open writes), then checks that raise or call out at enforcement. Severities follow
 * the `osPolicy.diagnostics.severity` setting; `off` drops a code.
 */
export function policyDiagnostics(analysis: PolicyAnalysis): PolicyDiagnostic[] {
  const all = [
    ...fileDiagnostics(analysis.file, analysis.policy, analysis.memo.passes),
    ...catalogDiagnostics(analysis),
    ...layerDiagnostics(analysis),
    ...checkDiagnostics(analysis),
  ];
  if (analysis.file.document.format === 'json') all.push(jsonFormatDiagnostic(analysis));
  const severities = analysis.settings.severities;
  return all.flatMap((diagnostic) => {
    const severity = severities[diagnostic.code];
    if (severity === 'off') return [];
    return severity ? [{ ...diagnostic, severity }] : [diagnostic];
  });
}

function jsonFormatDiagnostic(analysis: PolicyAnalysis): PolicyDiagnostic {
  const text = analysis.file.document.text;
  const start = text.search(/\S/);
  return {
    span: { start: Math.max(start, 0), end: Math.max(start, 0) + 1 },
    severity: 'warning',
    code: 'deprecated-json',
    message:
      'JSON policy files are deprecated (since Wallaby) and oslo.policy 5.0 no longer looks for policy.json: a service ' +
      'upgraded past it silently runs on its defaults. Convert this file to YAML (quick fix available).',
  };
}

/**
 * The file also overrides the deprecated name of `name`'s rule: an override of `name` equal to
 * its default is then not redundant, because without it oslo.policy applies the old name's rule.
 */
export function overridesDeprecatedName(
  analysis: PolicyAnalysis,
  name: string,
  registered: RegisteredRule,
): boolean {
  const oldName = registered.deprecated_rule?.name;
  // policy.d: oslo.policy handles deprecated names on the merged rules of every file.
  return oldName !== undefined && oldName !== name && analysis.policy.fileRules.has(oldName);
}

/** Names this file defines that a file loaded after it defines again: oslo.policy keeps that one. */
function layerDiagnostics(analysis: PolicyAnalysis): PolicyDiagnostic[] {
  if (analysis.layers.after.length === 0) return [];
  const diagnostics: PolicyDiagnostic[] = [];
  const replaced = namesDefinedLater(analysis.layers);
  for (const { entry, wins } of analysis.file.entries) {
    if (!wins || entry.name === null || !replaced.has(entry.name)) continue;
    const later = laterDefinition(analysis.layers, entry.name);
    if (later) diagnostics.push(overriddenByLayer(analysis, entry.name, entry.keySpan, later));
  }
  return diagnostics;
}

function overriddenByLayer(
  analysis: PolicyAnalysis,
  name: string,
  keySpan: Span,
  later: LayerDefinition,
): PolicyDiagnostic {
  const where = `${layerLabel(analysis.uri, later.layer.uri)} (line ${later.line + 1})`;
  return {
    span: keySpan,
    severity: 'warning',
    code: 'overridden-by-layer',
    message: `'${name}' is defined again in ${where}, loaded after this file: oslo.policy enforces that rule, and this one has no effect.`,
    tags: ['unnecessary'],
    related: [
      {
        span: later.keySpan,
        message: `'${name}' defined again here`,
        inFile: { uri: later.layer.uri, text: later.layer.file.document.text },
      },
    ],
  };
}

function catalogDiagnostics(analysis: PolicyAnalysis): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  if (analysis.choice.namespaces.length === 0) return diagnostics;
  const where = `${analysis.choice.namespaces.join(', ')} (${analysis.choice.sources.get(analysis.choice.namespaces[0]) ?? '?'})`;
  // Messages made once per name: the same strings after every keystroke (see FeatureMemo.message).
  const memo = analysis.memo;
  const context = analysis.registered;
  const referenced = new Set<string>();
  // Names written more than once: removing the winning override would let an earlier one win.
  const shadowing = new Set<string>();
  const layers = analysis.layers;
  const layered = layers.before.length + layers.after.length > 0;
  // Replaced by a later policy.d file (see `layerDiagnostics`): nothing else about them matters.
  const replaced = layered ? namesDefinedLater(layers) : null;
  for (const { entry, references, wins } of analysis.file.entries) {
    if (wins) {
      // A rule a later policy.d file replaces refers to nothing in the merged policy.
      if (replaced && entry.name !== null && replaced.has(entry.name)) continue;
      for (const reference of references) referenced.add(reference.match);
    } else if (entry.name !== null) shadowing.add(entry.name);
  }
  if (layered) {
    for (const name of namesReferencedByLayers(layers, analysis.byName)) referenced.add(name);
    for (const layer of layers.before)
      for (const { entry } of layer.file.entries) if (entry.name !== null) shadowing.add(entry.name);
  }
  for (const { entry, relative, wins } of analysis.file.entries) {
    if (!wins || entry.name === null) continue;
    const name = entry.name;
    if (replaced?.has(name)) continue;
    const registered = analysis.registered.get(name);
    const replacement = analysis.renamed.get(name);
    if (replacement && !registered) {
      const since = replacement.deprecated_rule?.deprecated_since ?? replacement.deprecated_since;
      const all = analysis.replacements.get(name) ?? [replacement];
      const overridden = all.every((rule) => analysis.policy.fileRules.has(rule.name));
      const message = memo.message(context, `deprecated-name ${overridden}`, name, () => {
        const names = all.map((rule) => `'${rule.name}'`).join(', ');
        return (
          `'${name}' is a deprecated name of ${names}${since ? ` (since ${since})` : ''}. ` +
          (overridden
            ? `This file also defines ${all.length > 1 ? 'all of them' : names}, so this override is ignored.`
            : `oslo.policy still applies it to ${all.length > 1 ? 'each of them not set here' : names} for now; rename it.`)
        );
      });
      diagnostics.push({
        span: entry.keySpan,
        severity: 'warning',
        code: 'deprecated-name',
        message,
        tags: ['deprecated'],
      });
      continue;
    }
    if (!registered) {
      if (referenced.has(name) || name === analysis.options.defaultRule) continue;
      const message = memo.message(context, `unknown-policy ${where}`, name, () => {
        const suggestions = analysis.suggester.closest(name, analysis.registered);
        return (
          `'${name}' is not a policy of ${where} and no rule refers to it: it has no effect.` +
          (suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : '')
        );
      });
      diagnostics.push({
        span: entry.keySpan,
        severity: 'warning',
        code: 'unknown-policy',
        message,
        tags: ['unnecessary'],
      });
      continue;
    }
    if (registered.deprecated_for_removal) {
      const message = memo.message(
        context,
        'deprecated-policy',
        name,
        () =>
          `'${name}' is deprecated for removal${registered.deprecated_since ? ` since ${registered.deprecated_since}` : ''}` +
          `${registered.deprecated_reason ? `: ${registered.deprecated_reason.trim()}` : '.'}`,
      );
      diagnostics.push({
        span: entry.keySpan,
        severity: 'warning',
        code: 'deprecated-policy',
        message,
        tags: ['deprecated'],
      });
    }
    if (
      !shadowing.has(name) &&
      !overridesDeprecatedName(analysis, name, registered) &&
      analysis.memo.canonical(relative.enforced) === analysis.memo.defaultCanonical(registered)
    ) {
      const enforceNew = analysis.options.enforceNewDefaults;
      const message = memo.message(
        context,
        `redundant-override ${enforceNew}`,
        name,
        () =>
          `'${name}' overrides its registered default with the same rule (as oslopolicy-list-redundant reports): remove it to follow future defaults.` +
          (registered.deprecated_rule &&
          registered.deprecated_rule.check_str !== registered.check_str &&
          !enforceNew
            ? ` Note: without this override oslo.policy enforces the default OR its deprecated predecessor '${registered.deprecated_rule.check_str}' until enforce_new_defaults is set.`
            : ''),
      );
      diagnostics.push({
        span: entry.span,
        severity: 'hint',
        code: 'redundant-override',
        message,
        tags: ['unnecessary'],
      });
    }
    const opensWrite = registered.operations.some((op) => WRITE_METHODS.has(op.method.toUpperCase()));
    const tree = relative.enforced.type === 'tree' ? relative.enforced.tree : null;
    if (opensWrite && tree?.type === 'always') {
      const message = memo.message(context, 'allows-anyone-write', name, () => {
        const methods = registered.operations.filter((op) => WRITE_METHODS.has(op.method.toUpperCase()));
        return `This allows ANYONE (any authenticated user) to ${methods.map((op) => `${op.method} ${op.path}`).join(', ')}.`;
      });
      diagnostics.push({ span: entry.value.span, severity: 'warning', code: 'allows-anyone-write', message });
    }
  }
  return diagnostics;
}

const KNOWN_KINDS = ['rule', 'role', 'http', 'https'];

/**
 * What each check of the file reveals at enforcement. Depends on the check string and the
 * namespaces alone: computed once per shared parse (spans relative to the value) and moved to
 * each entry's place, so an edit re-checks only the rules it touched.
 */
function checkDiagnostics(analysis: PolicyAnalysis): PolicyDiagnostic[] {
  const context = analysis.choice.namespaces.join(',');
  const found = analysis.memo.passes.checks.run(
    analysis.file,
    [analysis.vocabulary, context],
    (parsedEntry) => {
      const root = parsedEntry.relative.display;
      if (!root) return null;
      const relative = analysis.memo.checkDiagnostics(
        root,
        analysis.vocabulary,
        context,
        relativeCheckDiagnostics,
        analysis,
      );
      return relative.length > 0 ? relative : null;
    },
  );
  return placedDiagnostics(analysis.file, found);
}

function relativeCheckDiagnostics(root: CheckNode, analysis: PolicyAnalysis): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  const attributes = analysis.vocabulary.attributes;
  const namespaceKnown = analysis.choice.namespaces.length > 0;
  forEachLeaf(root, (leaf) => {
    if (leaf.kindClass === 'http' || leaf.kindClass === 'https') {
      diagnostics.push({
        span: leaf.span,
        severity: 'warning',
        code: 'external-check',
        message:
          `oslo.policy would POST the target and the credentials to ${leaf.kind}:${leaf.match} on every check ` +
          'and allow when it answers True. This tool never calls it: simulations show this check as unknown.',
      });
      return;
    }
    if (leaf.kindClass === 'generic') {
      const lower = KNOWN_KINDS.find((kind) => kind === leaf.kind.toLowerCase());
      if (lower) {
        diagnostics.push({
          span: kindSpanOf(leaf),
          severity: 'warning',
          code: 'kind-case',
          message: `Kinds are case-sensitive: '${leaf.kind}:' is not '${lower}:' but a lookup of a credential named '${leaf.kind}' (almost always false).`,
        });
      } else {
        const reading = analysis.memo.kind(leaf.kind);
        if (reading.kind === 'raises') {
          diagnostics.push({
            span: kindSpanOf(leaf),
            severity: 'error',
            code: 'raises-at-enforcement',
            message: `oslo.policy reads '${leaf.kind}' with ast.literal_eval, which raises ${reading.exception} (${reading.message}): every enforcement reaching this check fails.`,
          });
        }
      }
    }
    if (leaf.kindClass === 'rule') return;
    const { keys, probe } = analysis.memo.format(leaf.match);
    if (!probe.ok && probe.exception !== 'KeyError') {
      diagnostics.push({
        span: matchSpanOf(leaf),
        severity: 'error',
        code: 'raises-at-enforcement',
        message: `Formatting '${leaf.match}' with the target raises ${probe.exception} (${probe.message}): every enforcement reaching this check fails.`,
      });
    }
    if (!namespaceKnown) return;
    for (const key of keys) {
      if (attributes.has(key)) continue;
      const suggestions = analysis.suggester.closest(key, attributes);
      diagnostics.push({
        span: matchSpanOf(leaf),
        severity: 'warning',
        code: 'unknown-attribute',
        message:
          `No default of ${analysis.choice.namespaces[0]} uses %(${key})s: the service probably never puts '${key}' in the target, ` +
          `and a missing key makes this check false.` +
          (suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `%(${s})s`).join(', ')}?` : ''),
      });
    }
  });
  return diagnostics;
}

function forEachLeaf(root: CheckNode | null, visit: (leaf: LeafCheckNode) => void): void {
  if (!root) return;
  const pending: CheckNode[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'check') visit(node);
    else if (node.type === 'not') pending.push(node.operand);
    else if (node.type === 'and' || node.type === 'or') pending.push(...node.operands);
  }
}
