import { textwrap } from '../text/textwrap';
import type { NamespaceCatalog, RegisteredRule } from './catalogTypes';

/**
 * A namespace's defaults as `oslopolicy-sample-generator --format yaml` writes them: every
 * rule commented out, with its description, operations, intended scopes and deprecation.
 * A port of oslo.policy's `_format_rule_default_yaml`, so operators see the familiar text.
 * Known difference: a rule registered with `scope_types=[]` prints no scope line (the catalog
 * keeps no difference between an empty list and None).
 */
export function formatHelpText(description: string | null): string {
  if (!description) return '#';
  const out: string[] = [];
  let paragraph: string[] = [];
  const wrap = (lines: string[]): string[] => textwrap(lines.join(' '), 70, '# ', '# ');
  for (const line of description.trim().split(/\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/)) {
    if (line.trim() === '') {
      out.push(...wrap(paragraph), '#');
      paragraph = [];
    } else if (line.length === line.trimStart().length) {
      paragraph.push(line.trimEnd());
    } else {
      if (paragraph.length > 0) {
        out.push(...wrap(paragraph), '#');
        paragraph = [];
      }
      out.push(`# ${line.trimEnd()}`);
    }
  }
  if (paragraph.length > 0) out.push(...wrap(paragraph));
  return out.join('\n');
}

export function formatRuleSample(rule: RegisteredRule, commented = true): string {
  let text = `"${rule.name}": "${rule.check_str}"\n`;
  const operations = rule.operations
    .filter((op) => op.method && op.path)
    .map((op) => `# ${op.method}  ${op.path}\n`)
    .join('');
  const scope = rule.scope_types.length > 0 ? `# Intended scope(s): ${rule.scope_types.join(', ')}\n` : '';
  text = `${operations}${scope}${commented ? '#' : ''}${text}\n`;
  if (rule.description) text = `${formatHelpText(rule.description)}\n${text}`;
  if (rule.deprecated_for_removal) {
    return `# DEPRECATED\n# "${rule.name}" has been deprecated since ${rule.deprecated_since ?? 'None'}.\n${formatHelpText(rule.deprecated_reason)}\n${text}`;
  }
  const deprecated = rule.deprecated_rule;
  if (deprecated) {
    const reason = deprecated.deprecated_reason || rule.deprecated_reason;
    const since = deprecated.deprecated_since || rule.deprecated_since || 'None';
    const deprecatedText =
      `"${deprecated.name}":"${deprecated.check_str}" has been deprecated since ${since} ` +
      `in favor of "${rule.name}":"${rule.check_str}".`;
    text += `# DEPRECATED\n${formatHelpText(deprecatedText)}\n${formatHelpText(reason)}\n`;
    if (rule.name !== deprecated.name) {
      text +=
        '# WARNING: A rule name change has been identified.\n' +
        '#          This may be an artifact of new rules being\n' +
        '#          included which require legacy fallback\n' +
        '#          rules to ensure proper policy behavior.\n' +
        '#          Alternatively, this may just be an alias.\n' +
        '#          Please evaluate on a case by case basis\n' +
        '#          keeping in mind the format for aliased\n' +
        '#          rules is:\n' +
        '#          "old_rule_name": "new_rule_name".\n' +
        `# "${deprecated.name}": "rule:${rule.name}"\n`;
    }
    text += '\n';
  }
  return text;
}

/** The whole sample file of a namespace. */
export function formatSample(catalog: NamespaceCatalog): string {
  return catalog.rules.map((rule) => formatRuleSample(rule)).join('');
}
