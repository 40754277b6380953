/**
 * The shape of a check's match as Python's `match % target` reads it, for simulation with the
 * target left open. Only what oslo.policy's defaults use is modelled: literal text, `%%` and
 * `%(key)s`. Anything else (`%(key)r`, `%s`, widths) makes the result depend on the target in
 * ways this simulation does not follow: the caller reports it as unknown, never guesses.
 */
export type MatchPattern =
  | {
      readonly kind: 'modelled';
      /** Literal pieces around the placeholders: `literals.length === keys.length + 1`. */
      readonly literals: readonly string[];
      /** The target keys in order of appearance (a key may repeat). */
      readonly keys: readonly string[];
    }
  | {
      readonly kind: 'unsupported';
      readonly reason: string;
      /**
       * True when Python raises on this format whatever dict the target is (`100%`, `%d`):
       * no `%(key)s` comes before the bad spec, and the spec does not render the dict itself.
       */
      readonly raisesForAnyDict: boolean;
    };

export function parseMatchPattern(match: string): MatchPattern {
  const literals: string[] = [];
  const keys: string[] = [];
  let literal = '';
  let index = 0;
  while (index < match.length) {
    const char = match[index];
    if (char !== '%') {
      literal += char;
      index++;
      continue;
    }
    const next = match[index + 1];
    if (next === '%') {
      literal += '%';
      index += 2;
      continue;
    }
    if (next !== '(') return unsupported(match, keys.length === 0 && !rendersArgument(match, index + 1));
    // CPython counts nested parentheses inside the key: `%(a(b)c)s` is the key `a(b)c`.
    let depth = 1;
    let end = index + 2;
    while (end < match.length && depth > 0) {
      if (match[end] === '(') depth++;
      else if (match[end] === ')') depth--;
      if (depth > 0) end++;
    }
    if (depth > 0 || match[end + 1] !== 's') return unsupported(match, false);
    keys.push(match.slice(index + 2, end));
    literals.push(literal);
    literal = '';
    index = end + 2;
  }
  literals.push(literal);
  return { kind: 'modelled', literals, keys };
}

/** Whether the positional spec at `index` (after its `%`) is `%s`, `%r` or `%a`, which render a dict. */
function rendersArgument(match: string, index: number): boolean {
  const spec = /^[-+ #0]*(\d*)(\.\d*)?[hlL]?(.?)/.exec(match.slice(index));
  return spec !== null && ['s', 'r', 'a'].includes(spec[3]);
}

function unsupported(match: string, raisesForAnyDict: boolean): MatchPattern {
  return {
    kind: 'unsupported',
    raisesForAnyDict,
    reason: `'${match}' uses a % format other than %(key)s, which this simulation does not model; give a concrete target`,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Target values (as strings) for which the formatted match equals `wanted`, or null when none
 * exists. Exact: a regular expression with back-references for repeated keys.
 */
export function solvePattern(
  pattern: Extract<MatchPattern, { kind: 'modelled' }>,
  wanted: string,
): Record<string, string> | null {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    compiled = compile(pattern);
    compiledPatterns.set(pattern, compiled);
  }
  const found = compiled.regex.exec(wanted);
  if (!found) return null;
  const values: Record<string, string> = {};
  for (const [key, group] of compiled.groups) values[key] = found[group];
  return values;
}

/** Patterns are parsed once per match string and asked about many values: compile once. */
const compiledPatterns = new WeakMap<object, { regex: RegExp; groups: Map<string, number> }>();

function compile(pattern: Extract<MatchPattern, { kind: 'modelled' }>): {
  regex: RegExp;
  groups: Map<string, number>;
} {
  const groups = new Map<string, number>();
  let source = '^';
  pattern.keys.forEach((key, i) => {
    source += escapeRegExp(pattern.literals[i]);
    const seen = groups.get(key);
    if (seen !== undefined) source += `\\${seen}`;
    else {
      groups.set(key, groups.size + 1);
      source += '([\\s\\S]*?)';
    }
  });
  source += `${escapeRegExp(pattern.literals[pattern.literals.length - 1])}$`;
  return { regex: new RegExp(source, 'u'), groups };
}
