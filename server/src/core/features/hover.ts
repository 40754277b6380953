import { canonicalRuleString } from '../check/checkPrint';
import { kindSpanOf, matchSpanOf, type Span } from '../check/checkTypes';
import type { RegisteredRule } from '../catalog/catalogTypes';
import { describeAttribute, KEYSTONE_ROLES, rolesImplying } from '../catalog/vocabulary';
import type { PolicyAnalysis } from './analysis';
import { cursorTarget } from './cursor';
import { laterDefinition, layerLabel, winningLayerDefinition } from './layers';

export interface HoverResult {
  readonly span: Span;
  /** Markdown. */
  readonly markdown: string;
}

const OPERATOR_DOCS: Readonly<Record<string, string>> = {
  and: '**and** — true when every operand is true; evaluated left to right, stopping at the first false. Case-insensitive (`AND`, `And`).',
  or: '**or** — true when any operand is true; evaluated left to right, stopping at the first true. Binds looser than `and`: `a or b and c` is `a or (b and c)`.',
  not: '**not** — negates the next check. Binds tighter than `and`/`or`.',
  '(': '**( )** — grouping. oslo.policy only sees parentheses at the edges of whitespace-separated words: `(role:a)and(role:b)` is ONE check.',
  ')': '**( )** — grouping. oslo.policy only sees parentheses at the edges of whitespace-separated words.',
};

const KIND_DOCS: Readonly<Record<string, string>> = {
  rule: '**rule:NAME** — evaluates another rule. An undefined name falls back to the default rule (`policy_default_rule`, normally `default`) if defined, else is false.',
  role: "**role:NAME** — true when NAME (after `%`-formatting with the target), lower-cased, is among the token's roles, lower-cased. Implied roles count only if Keystone put them in the token.",
  http: '**http:URL** — oslo.policy POSTs the target and credentials to the URL and allows if the body is `True`. This tool never performs it.',
  https: '**https:URL** — like http:, over TLS. This tool never performs it.',
  generic:
    "**KIND:MATCH** — a generic check. MATCH is `%`-formatted with the target (a missing key makes it false). If KIND is a Python literal (`'public'`, `True`, `1`) the check is `MATCH == str(KIND)`; otherwise KIND is a dotted path into the credentials (lists are searched) and the check is `MATCH == str(value)`, case-sensitive.",
};

const ALWAYS_DOC =
  "always true (oslo.policy's TrueCheck): every request is allowed, whatever the token holds.";
const CONSTANT_DOCS = {
  always: `**@** — ${ALWAYS_DOC}`,
  empty: `**""** — an empty check string is ${ALWAYS_DOC} The same as \`@\`.`,
  emptyList: `**[]** — an empty list is ${ALWAYS_DOC} The same as \`@\`.`,
  bang: "**!** — always false (oslo.policy's FalseCheck): every request is denied, even an admin's.",
  'no-colon':
    '**not a check** — a word without a colon: oslo.policy logs an error and reads it as `!`, always false.',
} as const;

export function hover(analysis: PolicyAnalysis, offset: number): HoverResult | null {
  const target = cursorTarget(analysis, offset);
  switch (target.kind) {
    case 'key': {
      const name = target.entry.entry.name;
      if (name === null) return null;
      return { span: target.entry.entry.keySpan, markdown: policyHover(analysis, name) };
    }
    case 'constant': {
      const { node } = target;
      const source = analysis.file.document.text.slice(node.span.start, node.span.end);
      const markdown =
        node.type === 'never'
          ? CONSTANT_DOCS[node.cause === 'bang' ? 'bang' : 'no-colon']
          : source === ''
            ? CONSTANT_DOCS.empty
            : source.startsWith('[')
              ? CONSTANT_DOCS.emptyList
              : CONSTANT_DOCS.always;
      return { span: node.span, markdown };
    }
    case 'token':
      return OPERATOR_DOCS[target.token.type]
        ? { span: target.token.span, markdown: OPERATOR_DOCS[target.token.type] }
        : null;
    case 'leaf': {
      const { leaf } = target;
      if (target.attribute) {
        return { span: target.attribute.span, markdown: attributeHover(analysis, target.attribute.name) };
      }
      if (target.part === 'kind') return { span: kindSpanOf(leaf), markdown: KIND_DOCS[leaf.kindClass] };
      if (leaf.kindClass === 'rule')
        return { span: matchSpanOf(leaf), markdown: ruleReferenceHover(analysis, leaf.match) };
      if (leaf.kindClass === 'role')
        return { span: matchSpanOf(leaf), markdown: roleHover(analysis, leaf.match) };
      return { span: leaf.span, markdown: KIND_DOCS[leaf.kindClass] };
    }
    default:
      return null;
  }
}

function operationsTable(rule: RegisteredRule): string {
  if (rule.operations.length === 0) return '';
  const rows = rule.operations.map((op) => `| ${op.method} | \`${op.path}\` |`);
  return ['| Method | Path |', '| --- | --- |', ...rows].join('\n');
}

export function policyHover(analysis: PolicyAnalysis, name: string): string {
  const registered = analysis.registered.get(name);
  const replacement = analysis.renamed.get(name);
  const parts: string[] = [];
  const effective = analysis.policy.rules.get(name);
  if (registered) {
    parts.push(
      `**${name}** — ${analysis.choice.namespaces.join(', ')} (${analysis.choice.sources.get(analysis.choice.namespaces[0]) ?? ''})`,
    );
    if (registered.description) parts.push(registered.description.trim());
    const table = operationsTable(registered);
    if (table) parts.push(table);
    parts.push(
      `Scope types: ${registered.scope_types.length > 0 ? registered.scope_types.join(', ') : 'none declared'}`,
    );
    parts.push(`Registered default:\n\`\`\`\n${registered.check_str || '""  (allows everyone)'}\n\`\`\``);
    if (registered.deprecated_rule) {
      const dr = registered.deprecated_rule;
      const since = dr.deprecated_since ?? registered.deprecated_since;
      parts.push(
        `Deprecated default${dr.name !== name ? ` (old name \`${dr.name}\`)` : ''}${since ? `, since ${since}` : ''}: \`${dr.check_str}\`` +
          `${dr.deprecated_reason ? `\n\n${dr.deprecated_reason.trim()}` : ''}`,
      );
    }
    if (registered.deprecated_for_removal)
      parts.push(
        `**Deprecated for removal**${registered.deprecated_since ? ` since ${registered.deprecated_since}` : ''}.`,
      );
  } else if (replacement) {
    parts.push(`**${name}** — deprecated name of \`${replacement.name}\`.`);
  } else {
    parts.push(
      `**${name}** — not a registered policy of ${analysis.choice.namespaces.join(', ') || 'any detected service'}: a helper rule for \`rule:${name}\`.`,
    );
  }
  const entry = analysis.byName.get(name);
  const later = entry ? laterDefinition(analysis.layers, name) : null;
  if (later)
    parts.push(
      `${layerLabel(analysis.uri, later.layer.uri)} (line ${later.line + 1}), loaded after this file, defines it again: this file's rule has no effect.`,
    );
  else if (entry && registered) {
    const same =
      analysis.memo.canonical(entry.relative.enforced) === analysis.memo.defaultCanonical(registered);
    parts.push(
      same ? 'This file repeats the default (a redundant override).' : 'This file overrides the default.',
    );
  }
  if (effective) {
    const mode = `${analysis.options.enforceNewDefaults ? 'enforce_new_defaults' : 'default mode'}${analysis.options.enforceScope ? ', enforce_scope' : ''}`;
    const origin =
      effective.origin.kind === 'file'
        ? fileOrigin(analysis, name)
        : effective.origin.kind === 'deprecated-override'
          ? `from the override of the deprecated name \`${effective.origin.registered.deprecated_rule?.name}\``
          : effective.origin.kind === 'default-or-deprecated'
            ? 'the new default OR the deprecated one (set enforce_new_defaults to drop the old)'
            : 'the registered default';
    parts.push(
      `oslo.policy enforces (${mode}), ${origin}:\n${checkBlock(canonicalRuleString(effective.rule))}`,
    );
  }
  return parts.join('\n\n');
}

/** Which file's rule oslo.policy keeps for `name`: this one, or a policy.d layer's. */
function fileOrigin(analysis: PolicyAnalysis, name: string): string {
  const elsewhere = winningLayerDefinition(analysis.layers, name, analysis.byName.has(name));
  return elsewhere
    ? `from ${layerLabel(analysis.uri, elsewhere.layer.uri)} (line ${elsewhere.line + 1})`
    : 'from this file';
}

/** Past this, a check string is cut in hovers: a generated one can be megabytes, unreadable in a popup. */
const CHECK_BLOCK_LIMIT = 2_000;

function checkBlock(check: string): string {
  const shown =
    check.length <= CHECK_BLOCK_LIMIT
      ? check
      : `${check.slice(0, CHECK_BLOCK_LIMIT)} … (${check.length - CHECK_BLOCK_LIMIT} more characters)`;
  return `\`\`\`\n${shown}\n\`\`\``;
}

function ruleReferenceHover(analysis: PolicyAnalysis, name: string): string {
  const entry = analysis.byName.get(name);
  const elsewhere = winningLayerDefinition(analysis.layers, name, entry !== undefined);
  if (elsewhere) {
    const where = `${layerLabel(analysis.uri, elsewhere.layer.uri)} (line ${elsewhere.line + 1})`;
    const replaces = entry ? ", which replaces this file's" : '';
    return `**rule:${name}** — defined in ${where}${replaces}:\n${checkBlock(canonicalRuleString(elsewhere.entry.parsed.enforced))}`;
  }
  if (entry) {
    const text = analysis.file.document.text;
    const line = text.slice(0, entry.entry.keySpan.start).split('\n').length;
    return `**rule:${name}** — defined in this file (line ${line}):\n${checkBlock(canonicalRuleString(entry.parsed.enforced))}`;
  }
  const effective = analysis.policy.rules.get(name);
  if (effective)
    return `**rule:${name}** — registered default:\n${checkBlock(canonicalRuleString(effective.rule))}`;
  const fallback = analysis.options.defaultRule;
  return fallback && analysis.policy.rules.has(fallback)
    ? `**rule:${name}** — not defined: oslo.policy uses the default rule \`${fallback}\` instead.`
    : `**rule:${name}** — not defined, and there is no default rule: always false.`;
}

function roleHover(analysis: PolicyAnalysis, role: string): string {
  const lower = role.toLowerCase();
  const known = KEYSTONE_ROLES.find((r) => r.name === lower);
  const implying = rolesImplying(lower, analysis.settings.impliedRoles);
  const users = analysis.vocabulary.roles.get(lower) ?? [];
  const parts = [`**role:${role}**${known ? ` — ${known.description}` : ''}`];
  parts.push(
    implying.length > 0
      ? `Held through implication by: ${implying.join(', ')}.`
      : 'No other role implies it.',
  );
  if (role !== lower) parts.push(`Compared case-insensitively: same as \`role:${lower}\`.`);
  if (users.length > 0)
    parts.push(
      `Used by ${users.length} default(s), e.g. ${users
        .slice(0, 5)
        .map((u) => `\`${u}\``)
        .join(', ')}.`,
    );
  return parts.join('\n\n');
}

function attributeHover(analysis: PolicyAnalysis, name: string): string {
  const description = describeAttribute(name);
  const users = analysis.vocabulary.attributes.get(name) ?? [];
  const parts = [`**%(${name})s** — a target attribute${description ? `: ${description}` : '.'}`];
  parts.push(
    users.length > 0
      ? `Used by ${users.length} default(s), e.g. ${users
          .slice(0, 5)
          .map((u) => `\`${u}\``)
          .join(', ')}.`
      : 'No default of this service uses it: the target probably lacks it, which makes the check false.',
  );
  return parts.join('\n\n');
}
