import { parseEnforcedRule } from '../check/checkParser';
import { canonicalRuleString } from '../check/checkPrint';
import type { Span } from '../check/checkTypes';
import type { ParsedEntry } from '../engine/loadPolicy';
import type { PolicyAnalysis } from './analysis';
import { yamlDoubleQuoted } from '../document/scalarWriting';
import { convertJsonToYaml } from './convertJson';
import type { PolicyDiagnostic } from './diagnosticTypes';
import { closestNames } from '../text/similar';
import { compareCodePoints } from '../text/codePointOrder';
import { cursorTarget } from './cursor';
import { insertEntry, removeEntries, type TextEdit } from './entryEdits';
import { ruleReferences } from './ruleGraph';
import { renameReference } from './valueEdits';

export type { TextEdit } from './entryEdits';

export interface PolicyCodeAction {
  readonly title: string;
  readonly kind: 'quickfix' | 'refactor.rewrite' | 'source.fixAll';
  readonly edits: readonly TextEdit[];
  /**
   * A new file to create beside this one (JSON → YAML), relative name and content; with
   * `replacesSource`, this file is deleted in the same edit.
   */
  readonly createFile?: {
    readonly name: string;
    readonly content: string;
    readonly replacesSource?: boolean;
  };
  readonly diagnosticCodes: readonly string[];
  readonly preferred?: boolean;
  /** Why the action cannot be applied here (shown by the editor instead of applying it). */
  readonly disabled?: string;
}

/** What the core cannot see from the document: the other files of its folder, when known. */
export interface CodeActionContext {
  readonly siblingNames?: readonly string[];
}

/** Code actions for a range: fixes for the diagnostics in it, file-wide fixes, and refactorings at the cursor. */
export function codeActions(
  analysis: PolicyAnalysis,
  range: Span,
  diagnostics: readonly PolicyDiagnostic[],
  context: CodeActionContext = {},
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
        // No edits where the mapping is too unusual to cut safely (a comment before a comma).
        const edits = entry ? removeEntries(analysis, [entry.entry.span]) : [];
        if (entry?.entry.name && edits.length > 0) {
          actions.push({
            title: `Remove the redundant override of '${entry.entry.name}'`,
            kind: 'quickfix',
            edits,
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
      case 'deprecated-json':
        actions.push(convertToYaml(analysis, context));
        break;
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
  const removals =
    redundant.length > 1
      ? removeEntries(
          analysis,
          redundant.map((d) => d.span),
        )
      : [];
  if (removals.length > 0) {
    actions.push({
      title: 'Remove all redundant overrides',
      kind: 'source.fixAll',
      edits: removals,
      diagnosticCodes: ['redundant-override'],
    });
  }
  const canonical = canonicalize(analysis, range.start);
  if (canonical) actions.push(canonical);
  return actions;
}

/**
 * `x.json` → `x.yaml` beside it. The main file's JSON stays (oslo.policy falls back to it while
 * `policy_file` still names it). A file of a policy directory is replaced: oslo.policy loads
 * every file there in sorted order, so keeping both, or a name that sorts elsewhere (the old
 * `policy.yaml`), would change which file's rule wins.
 */
function convertToYaml(analysis: PolicyAnalysis, context: CodeActionContext): PolicyCodeAction {
  const segments = uriSegments(analysis.uri);
  const source = segments[segments.length - 1] ?? '';
  const inPolicyDirectory = segments.slice(0, -1).includes('policy.d');
  const name = source ? `${source.replace(/\.json$/i, '')}.yaml` : 'policy.yaml';
  const siblings = (context.siblingNames ?? []).filter((sibling) => sibling !== source);
  const action: PolicyCodeAction = {
    title: inPolicyDirectory
      ? `Convert this JSON policy file to ${name} (replacing it)`
      : `Convert this JSON policy file to ${name}`,
    kind: 'quickfix',
    edits: [],
    createFile: { name, content: convertJsonToYaml(analysis), replacesSource: inPolicyDirectory },
    diagnosticCodes: ['deprecated-json'],
    preferred: true,
  };
  // As `os-policy convert`: a file oslo.policy cannot load denies everything; its YAML copy would load.
  const failure = analysis.file.failure;
  if (failure)
    return {
      ...action,
      disabled: `oslo.policy cannot load this file (${failure.kind === 'raises' ? `${failure.exception}: ${failure.message}` : failure.reason}): a YAML copy would not mean the same`,
    };
  if (siblings.includes(name)) return { ...action, disabled: `${name} already exists beside this file` };
  if (inPolicyDirectory) {
    // oslo.policy sorts as Python does, by code point (UTF-16 order differs past U+FFFF).
    const between = siblings.filter(
      (sibling) =>
        !sibling.startsWith('.') &&
        compareCodePoints(source, sibling) < 0 &&
        compareCodePoints(sibling, name) < 0,
    );
    if (between.length > 0)
      return {
        ...action,
        disabled: `${name} would be loaded after ${between.join(', ')}, not before as ${source} is`,
      };
  }
  return action;
}

function uriSegments(uri: string): string[] {
  try {
    return new URL(uri).pathname.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return [];
  }
}

function keyText(analysis: PolicyAnalysis, keySpan: Span, name: string): string {
  const raw = analysis.file.document.text.slice(keySpan.start, keySpan.end);
  if (raw.startsWith('"') || analysis.file.document.format === 'json') return JSON.stringify(name);
  if (raw.startsWith("'")) return `'${name.replace(/'/g, "''")}'`;
  return /[:#{}[\],&*!|>'"%@`]/.test(name) ? JSON.stringify(name) : name;
}

function upgradeName(analysis: PolicyAnalysis, offset: number): PolicyCodeAction | null {
  const entry = analysis.entryAt(offset);
  const name = entry?.entry.name;
  if (!entry || !name || analysis.registered.has(name)) return null;
  const edit = upgradeEdit(analysis, entry, new Set(analysis.byName.keys()));
  if (!edit) return null;
  const targets = (analysis.replacements.get(name) ?? []).filter((rule) => !analysis.byName.has(rule.name));
  return {
    title:
      targets.length === 1
        ? `Rename to '${targets[0].name}'`
        : `Rename to the ${targets.length} policies that replaced it (${targets.map((r) => r.name).join(', ')})`,
    kind: 'quickfix',
    edits: [edit],
    diagnosticCodes: ['deprecated-name'],
    preferred: true,
  };
}

/**
 * The entry of a deprecated name rewritten under the names that replaced it. oslo.policy
 * applies an override of the old name to EVERY rule that lists it as deprecated (unless the
 * file already sets that rule), so a split name becomes one entry per replacement, with the
 * same value: the meaning stays the same.
 */
function upgradeEdit(analysis: PolicyAnalysis, entry: ParsedEntry, taken: Set<string>): TextEdit | null {
  const name = entry.entry.name;
  if (!name) return null;
  const targets = (analysis.replacements.get(name) ?? []).filter((rule) => !taken.has(rule.name));
  if (targets.length === 0) return null;
  // Renaming would change the meaning when the old name is defined twice (the other definition
  // would then be the one read), when rules refer to it (`rule:old` would fall back to the
  // default rule), or when its value refers to one of its new names (a cycle once renamed):
  // leave those to the user; the diagnostics say why.
  const files = analysis.file.entries;
  if (files.some((other) => other !== entry && other.entry.name === name)) return null;
  if (
    files.some((other) => ruleReferences(other.parsed.display).some((reference) => reference.match === name))
  )
    return null;
  const newNames = new Set(targets.map((rule) => rule.name));
  if (ruleReferences(entry.parsed.display).some((reference) => newNames.has(reference.match))) return null;
  for (const rule of targets) taken.add(rule.name);
  const text = analysis.file.document.text;
  const keySpan = entry.entry.keySpan;
  const separator = text.slice(keySpan.end, entry.entry.value.span.start);
  const value = text.slice(entry.entry.value.span.start, entry.entry.value.span.end);
  const lineStart = text.lastIndexOf('\n', keySpan.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, keySpan.start))![0];
  const json = analysis.file.document.format === 'json';
  const lines = targets.map((rule) => `${keyText(analysis, keySpan, rule.name)}${separator}${value}`);
  return { span: entry.entry.span, newText: lines.join(json ? `,\n${indent}` : `\n${indent}`) };
}

/** As `oslopolicy-upgrade`: every deprecated name whose replacements the file does not define yet. */
export function upgradeAllNames(analysis: PolicyAnalysis): TextEdit[] {
  const edits: TextEdit[] = [];
  const taken = new Set(analysis.byName.keys());
  for (const parsedEntry of analysis.file.entries) {
    const name = parsedEntry.entry.name;
    if (!parsedEntry.wins || !name || analysis.registered.has(name)) continue;
    const edit = upgradeEdit(analysis, parsedEntry, taken);
    if (edit) edits.push(edit);
  }
  return edits;
}

function undefinedRuleFixes(analysis: PolicyAnalysis, diagnostic: PolicyDiagnostic): PolicyCodeAction[] {
  const text = analysis.file.document.text;
  // The name as oslo.policy reads it: `rule:admin\x5frul` in a YAML double-quoted value is `admin_rul`.
  const entry = analysis.entryAt(diagnostic.span.start);
  const reference = entry
    ? ruleReferences(entry.parsed.display).find((r) => r.matchStart === diagnostic.span.start)
    : undefined;
  const name = reference?.match ?? text.slice(diagnostic.span.start, diagnostic.span.end);
  const json = analysis.file.document.format === 'json';
  const actions: PolicyCodeAction[] = [];
  for (const suggestion of closestNames(name, analysis.policy.rules.keys())) {
    const edit =
      entry && reference ? renameReference(text, entry.entry.value, reference, suggestion, json) : null;
    if (edit)
      actions.push({
        title: `Change to 'rule:${suggestion}'`,
        kind: 'quickfix',
        edits: [edit],
        diagnosticCodes: ['undefined-rule'],
      });
  }
  const insertion = insertEntry(
    analysis,
    json ? JSON.stringify(name) : yamlDoubleQuoted(name),
    '"role:admin"',
  );
  if (insertion)
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
        // Double-quoted in either format, with YAML's escapes in YAML (JSON's leave NEL, LS and
        // PS bare, which PyYAML would fold).
        newText:
          analysis.file.document.format === 'json' ? JSON.stringify(canonical) : yamlDoubleQuoted(canonical),
      },
    ],
    diagnosticCodes: [],
  };
}
