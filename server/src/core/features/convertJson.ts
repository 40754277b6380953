import { canonicalRuleString } from '../check/checkPrint';
import { parseEnforcedRule } from '../check/checkParser';
import { formatHelpText } from '../catalog/sampleFormat';
import type { RuleValue } from '../document/documentTypes';
import type { PolicyAnalysis } from './analysis';

/**
 * A `policy.json` as `policy.yaml`, as `oslopolicy-convert-json-to-yaml` does it — each rule
 * with its description, operations and intended scopes as comments, rules equal to their
 * default commented out, deprecated and unknown names last under a warning — but keeping the
 * file's own order and the exact meaning of every value: check strings are written as YAML
 * double-quoted scalars (valid for any content) and the old list form stays a list.
 */
export function convertJsonToYaml(analysis: PolicyAnalysis): string {
  const known: string[] = [];
  const others: string[] = [];
  const text = analysis.file.document.text;
  for (const { entry, parsed, wins } of analysis.file.entries) {
    if (!wins || entry.name === null) continue;
    const line = `${yamlKey(entry.name)}: ${yamlValue(entry.value, text)}`;
    const registered = analysis.registered.get(entry.name);
    if (!registered) {
      others.push(line);
      continue;
    }
    const comments: string[] = [];
    if (registered.description) comments.push(formatHelpText(registered.description));
    for (const op of registered.operations) comments.push(`# ${op.method}  ${op.path}`);
    if (registered.scope_types.length > 0)
      comments.push(`# Intended scope(s): ${registered.scope_types.join(', ')}`);
    const redundant =
      canonicalRuleString(parsed.enforced) === canonicalRuleString(parseEnforcedRule(registered.check_str));
    known.push([...comments, redundant ? `#${line}` : line].join('\n'));
  }
  const parts = [known.join('\n\n')];
  if (others.length > 0) {
    parts.push(
      [
        '# WARNING: Below rules are either deprecated rules or extra rules in',
        '# policy file, it is strongly recommended to switch to new rules.',
        ...others,
      ].join('\n'),
    );
  }
  return `${parts.filter((part) => part.length > 0).join('\n\n')}\n`;
}

/**
 * A YAML double-quoted scalar: JSON's escapes, plus escapes for what PyYAML would refuse or read
 * as a line break if written raw (NEL, LS, PS, C1 controls, non-characters, lone surrogates).
 */
export function yamlDoubleQuoted(value: string): string {
  return JSON.stringify(value).replace(
    /[\x7f-\x9f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function yamlKey(name: string): string {
  return yamlDoubleQuoted(name);
}

/** JSON text is valid YAML flow syntax with the same meaning for the values policy files hold. */
function yamlValue(value: RuleValue, text: string): string {
  if (value.kind === 'string') return yamlDoubleQuoted(value.text);
  return text.slice(value.span.start, value.span.end).replace(/\s*\n\s*/g, ' ');
}
