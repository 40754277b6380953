import { parseEnforcedRule } from '../check/checkParser';
import { canonicalRuleString } from '../check/checkPrint';
import type { Span } from '../check/checkTypes';
import type { PolicyAnalysis } from './analysis';
import { convertJsonToYaml, yamlDoubleQuoted } from './convertJson';
import type { PolicyEntry } from '../document/documentTypes';
import type { PolicyDiagnostic } from './diagnosticTypes';
import { closestNames } from '../text/similar';
import { cursorTarget } from './cursor';
import { ruleReferences } from './ruleGraph';

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

export interface PolicyCodeAction {
  readonly title: string;
  readonly kind: 'quickfix' | 'refactor.rewrite' | 'source.fixAll';
  readonly edits: readonly TextEdit[];
  /** A new file to create beside this one (JSON → YAML), relative name and content. */
  readonly createFile?: { readonly name: string; readonly content: string };
  readonly diagnosticCodes: readonly string[];
  readonly preferred?: boolean;
}

/** Code actions for a range: fixes for the diagnostics in it, file-wide fixes, and refactorings at the cursor. */
export function codeActions(
  analysis: PolicyAnalysis,
  range: Span,
  diagnostics: readonly PolicyDiagnostic[],
): PolicyCodeAction[] {
  const actions: PolicyCodeAction[] = [];
  const touching = diagnostics.filter((d) => d.span.start <= range.end && range.start <= d.span.end);
  for (const diagnostic of touching) {
    switch (diagnostic.code) {
      case 'deprecated-name': {
        const fix = upgradeName(analysis, diagnostic.span.start);
        if (fix) actions.push(fix);
        break;
      }
      case 'redundant-override': {
        const entry = analysis.entryAt(diagnostic.span.start);
        if (entry?.entry.name) {
          actions.push({
            title: `Remove the redundant override of '${entry.entry.name}'`,
            kind: 'quickfix',
            edits: [removeEntry(analysis, entry.entry.span)],
            diagnosticCodes: ['redundant-override'],
            preferred: true,
          });
        }
        break;
      }
      case 'undefined-rule':
        actions.push(...undefinedRuleFixes(analysis, diagnostic));
        break;
      case 'unknown-policy': {
        const entry = analysis.entryAt(diagnostic.span.start);
        const name = entry?.entry.name;
        if (!entry || !name) break;
        for (const suggestion of closestNames(name, analysis.registered.keys())) {
          actions.push({
            title: `Change to '${suggestion}'`,
            kind: 'quickfix',
            edits: [
              { span: entry.entry.keySpan, newText: keyText(analysis, entry.entry.keySpan, suggestion) },
            ],
            diagnosticCodes: ['unknown-policy'],
          });
        }
        break;
      }
      case 'deprecated-json': {
        actions.push({
          title: 'Convert this JSON policy file to policy.yaml',
          kind: 'quickfix',
          edits: [],
          createFile: { name: 'policy.yaml', content: convertJsonToYaml(analysis) },
          diagnosticCodes: ['deprecated-json'],
          preferred: true,
        });
        break;
      }
    }
  }
  const upgradeAll = upgradeAllNames(analysis);
  if (upgradeAll.length > 1) {
    actions.push({
      title: 'Upgrade all deprecated policy names',
      kind: 'source.fixAll',
      edits: upgradeAll,
      diagnosticCodes: ['deprecated-name'],
    });
  }
  const redundant = diagnostics.filter((d) => d.code === 'redundant-override');
  if (redundant.length > 1) {
    actions.push({
      title: 'Remove all redundant overrides',
      kind: 'source.fixAll',
      edits: redundant.map((d) => removeEntry(analysis, d.span)),
      diagnosticCodes: ['redundant-override'],
    });
  }
  const canonical = canonicalize(analysis, range.start);
  if (canonical) actions.push(canonical);
  return actions;
}

function keyText(analysis: PolicyAnalysis, keySpan: Span, name: string): string {
  const raw = analysis.file.document.text.slice(keySpan.start, keySpan.end);
  if (raw.startsWith('"') || analysis.file.document.format === 'json') return JSON.stringify(name);
  if (raw.startsWith("'")) return `'${name.replace(/'/g, "''")}'`;
  return /[:#{}[\],&*!|>'"%@`]/.test(name) ? JSON.stringify(name) : name;
}

function upgradeName(analysis: PolicyAnalysis, offset: number): PolicyCodeAction | null {
  const entry = analysis.entryAt(offset);
  if (!entry || !entry.entry.name) return null;
  const edits = upgradeEdits(analysis, entry.entry, new Set(analysis.byName.keys()));
  if (edits.length === 0) return null;
  return {
    title: `Rename to '${replacementNames(analysis, entry.entry.name).join("', '")}'`,
    kind: 'quickfix',
    edits,
    diagnosticCodes: ['deprecated-name'],
    preferred: true,
  };
}

/** As `oslopolicy-upgrade`: every deprecated name whose replacement the file does not define yet. */
export function upgradeAllNames(analysis: PolicyAnalysis): TextEdit[] {
  const edits: TextEdit[] = [];
  const taken = new Set(analysis.byName.keys());
  for (const { entry, wins } of analysis.file.entries) {
    if (!wins || !entry.name || analysis.registered.has(entry.name)) continue;
    edits.push(...upgradeEdits(analysis, entry, taken));
  }
  return edits;
}

/**
 * Every registered rule that deprecated `name`. One old name can be split into several new
 * ones (Cinder's `group:group_types_manage` became create, update and delete): oslo.policy
 * applies the old override to each, so renaming it to only one would change the others.
 */
function replacementNames(analysis: PolicyAnalysis, name: string): string[] {
  const names: string[] = [];
  for (const rule of analysis.registered.values())
    if (rule.deprecated_rule?.name === name && rule.name !== name) names.push(rule.name);
  return names;
}

/** The key renamed to the first free replacement, and the same rule added for the other ones. */
function upgradeEdits(analysis: PolicyAnalysis, entry: PolicyEntry, taken: Set<string>): TextEdit[] {
  if (!entry.name || !analysis.renamed.has(entry.name)) return [];
  // Renaming would change meaning when the old name is defined twice (the earlier one would
  // then win) or when rules refer to it: leave those for the user (duplicate-key says why).
  const oldName = entry.name;
  if (analysis.file.entries.some((e) => e.entry.name === oldName && e.entry !== entry)) return [];
  if (
    analysis.file.entries.some((e) => ruleReferences(e.parsed.display).some((ref) => ref.match === oldName))
  )
    return [];
  const names = replacementNames(analysis, entry.name).filter((name) => !taken.has(name));
  if (names.length === 0) return [];
  // A value referring to one of its own new names would become a cycle once renamed.
  const parsed = analysis.file.entries.find((e) => e.entry === entry)?.parsed;
  if (parsed && ruleReferences(parsed.display).some((ref) => names.includes(ref.match))) return [];
  const text = analysis.file.document.text;
  const value = entry.value;
  const json = analysis.file.document.format === 'json';
  const valueText =
    value.kind === 'string'
      ? json
        ? JSON.stringify(value.text)
        : yamlDoubleQuoted(value.text)
      : text.slice(value.span.start, value.span.end);
  // A multi-line list cannot be repeated on one line safely: leave such an entry as it is.
  if (names.length > 1 && value.kind !== 'string' && valueText.includes('\n')) return [];
  for (const name of names) taken.add(name);
  const edits: TextEdit[] = [{ span: entry.keySpan, newText: keyText(analysis, entry.keySpan, names[0]) }];
  if (names.length > 1) {
    const extra = names
      .slice(1)
      .map((name) =>
        json
          ? `,\n    ${JSON.stringify(name)}: ${valueText}`
          : `\n${keyText(analysis, entry.keySpan, name)}: ${valueText}`,
      )
      .join('');
    // After the value, or (YAML) after the rest of its line, so a trailing comment stays with it.
    let at = value.span.end;
    if (!json) {
      const lineEnd = text.indexOf('\n', at);
      at = lineEnd < 0 ? text.length : lineEnd;
    }
    edits.push({ span: { start: at, end: at }, newText: extra });
  }
  return edits;
}

/** Deletes an entry with its whole line(s) (and a JSON comma). */
export function removeEntry(analysis: PolicyAnalysis, span: Span): TextEdit {
  const text = analysis.file.document.text;
  const entry = analysis.entryAt(span.start);
  const whole = entry ? entry.entry.span : span;
  let start = text.lastIndexOf('\n', whole.start - 1) + 1;
  let end = text.indexOf('\n', whole.end);
  end = end < 0 ? text.length : end + 1;
  if (analysis.file.document.format === 'json') {
    // Take the comma after the entry, or the one before it for the last entry.
    const after = /^\s*,/.exec(text.slice(whole.end));
    if (after)
      return {
        span: {
          start: /^[ \t]*$/.test(text.slice(start, whole.start)) ? start : whole.start,
          end: whole.end + after[0].length + (text[whole.end + after[0].length] === '\n' ? 1 : 0),
        },
        newText: '',
      };
    const before = /,\s*$/.exec(text.slice(0, whole.start));
    if (before) return { span: { start: before.index, end: whole.end }, newText: '' };
    start = whole.start;
    end = whole.end;
  }
  return { span: { start, end }, newText: '' };
}

function undefinedRuleFixes(analysis: PolicyAnalysis, diagnostic: PolicyDiagnostic): PolicyCodeAction[] {
  const name = analysis.file.document.text.slice(diagnostic.span.start, diagnostic.span.end);
  const actions: PolicyCodeAction[] = closestNames(name, analysis.policy.rules.keys()).map((suggestion) => ({
    title: `Change to 'rule:${suggestion}'`,
    kind: 'quickfix' as const,
    edits: [{ span: diagnostic.span, newText: suggestion }],
    diagnosticCodes: ['undefined-rule'],
  }));
  const text = analysis.file.document.text;
  const json = analysis.file.document.format === 'json';
  let insertion: TextEdit;
  if (json) {
    const close = text.lastIndexOf('}');
    const beforeClose = text.slice(0, close).trimEnd();
    insertion = {
      span: { start: beforeClose.length, end: beforeClose.length },
      newText: `,\n    ${JSON.stringify(name)}: "role:admin"`,
    };
  } else {
    const end = text.length;
    insertion = {
      span: { start: end, end },
      newText: `${text.endsWith('\n') || end === 0 ? '' : '\n'}${JSON.stringify(name)}: "role:admin"\n`,
    };
  }
  actions.push({
    title: `Create rule '${name}' (as role:admin)`,
    kind: 'quickfix',
    edits: [insertion],
    diagnosticCodes: ['undefined-rule'],
  });
  return actions;
}

/** Rewrites a check string as oslo.policy prints it (`str(check)`): explicit parentheses, lower-case operators. */
function canonicalize(analysis: PolicyAnalysis, offset: number): PolicyCodeAction | null {
  const target = cursorTarget(analysis, offset);
  if (target.kind === 'none' || target.kind === 'key') return null;
  const value = target.entry.entry.value;
  if (value.kind !== 'string' || target.entry.parsed.failed) return null;
  const enforced = parseEnforcedRule(value.text);
  if (enforced.type !== 'tree') return null;
  let canonical = canonicalRuleString(enforced);
  // The outermost parentheses of a junction add nothing.
  if (/^\(.*\)$/.test(canonical) && (enforced.tree.type === 'and' || enforced.tree.type === 'or'))
    canonical = canonical.slice(1, -1);
  if (canonical === value.text) return null;
  return {
    title: 'Rewrite the check string as oslo.policy reads it',
    kind: 'refactor.rewrite',
    edits: [
      {
        span: value.span,
        newText:
          analysis.file.document.format === 'json' || value.style !== 'plain'
            ? JSON.stringify(canonical)
            : JSON.stringify(canonical),
      },
    ],
    diagnosticCodes: [],
  };
}
