import { formatHelpText } from '../catalog/sampleFormat';
import type { ListItem, RuleValue } from '../document/documentTypes';
import { yamlDoubleQuoted } from '../document/scalarWriting';
import type { PyValue } from '../python/pyValue';
import type { PolicyAnalysis } from './analysis';
import { overridesDeprecatedName } from './policyDiagnostics';

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
  for (const { entry, relative, wins } of analysis.file.entries) {
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
      analysis.memo.canonical(relative.enforced) === analysis.memo.defaultCanonical(registered);
    // oslopolicy-convert-json-to-yaml comments out every rule equal to its default. When the
    // default has a deprecated predecessor, that changes what is enforced: without the override
    // oslo.policy ORs the old default in (unless enforce_new_defaults), or applies the file's
    // override of the old name. Keep those active.
    const deprecated = registered.deprecated_rule;
    const oldNameOverridden = overridesDeprecatedName(analysis, entry.name, registered);
    const keepsMeaning = !oldNameOverridden && (!deprecated || deprecated.check_str === registered.check_str);
    if (redundant && !keepsMeaning)
      comments.push(
        oldNameOverridden
          ? `# Same as the default, kept: without it the override of '${deprecated!.name}' below applies.`
          : '# Same as the default, kept: without it the deprecated default is ORed in.',
      );
    known.push([...comments, redundant && keepsMeaning ? `#${line}` : line].join('\n'));
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

function yamlKey(name: string): string {
  return yamlDoubleQuoted(name);
}

/**
 * The value with the same meaning in YAML. Strings (also inside the old list form) are
 * re-written as double-quoted scalars from their decoded text rather than copied: JSON escapes
 * such as `\/` or surrogate pairs are not all read the same way by PyYAML. Other values are
 * written from what json.loads made of them, not copied: PyYAML reads JSON's `0e5` as a string
 * (its floats need a dot), and the string `"0e5"` denies where the float 0.0 allows.
 */
function yamlValue(value: RuleValue, text: string): string {
  if (value.kind === 'string') return yamlDoubleQuoted(value.text);
  if (value.kind === 'list') return yamlList(value.items, text);
  return yamlPython(value.value) ?? text.slice(value.span.start, value.span.end).replace(/\s*\n\s*/g, ' ');
}

function yamlList(items: readonly ListItem[], text: string): string {
  const parts = items.map((item) =>
    item.kind === 'string'
      ? yamlDoubleQuoted(item.value.text)
      : item.kind === 'list'
        ? yamlList(item.items, text)
        : (yamlPython(item.value) ?? text.slice(item.span.start, item.span.end).replace(/\s*\n\s*/g, ' ')),
  );
  return `[${parts.join(', ')}]`;
}

/** A JSON value as YAML flow that PyYAML's safe_load reads back as the same Python value; null for other kinds. */
function yamlPython(value: PyValue): string | null {
  switch (value.t) {
    case 'none':
      return 'null';
    case 'bool':
      return value.v ? 'true' : 'false';
    case 'int':
      return value.v.toString();
    case 'float':
      return yamlFloat(value.v);
    case 'str':
      return yamlDoubleQuoted(value.v);
    case 'list': {
      const items = value.items.map(yamlPython);
      return items.every((item) => item !== null) ? `[${items.join(', ')}]` : null;
    }
    case 'dict': {
      const entries = [...value.map].map(([key, item]) => {
        const written = yamlPython(item);
        return written === null ? null : `${yamlDoubleQuoted(key)}: ${written}`;
      });
      return entries.every((entry) => entry !== null) ? `{${entries.join(', ')}}` : null;
    }
    default:
      return null;
  }
}

/**
 * A float as PyYAML (YAML 1.1) reads one: a dot always, a signed exponent, `.inf` and `.nan`.
 * JavaScript's shortest round-trip digits are Python's repr digits, so the value is exact.
 */
function yamlFloat(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (v === Infinity) return '.inf';
  if (v === -Infinity) return '-.inf';
  if (Object.is(v, -0)) return '-0.0';
  // String() always signs the exponent (`1e+21`, `1e-7`), as PyYAML's pattern requires.
  const [mantissa, exponent] = String(v).split('e');
  const dotted = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? dotted : `${dotted}e${exponent}`;
}
