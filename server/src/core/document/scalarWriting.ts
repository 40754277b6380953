import { readPlainScalar } from './pyyamlScalars';

/**
 * Writing a string back into a policy file so that json or PyYAML read exactly that string:
 * as a whole key or value, or as a piece inside an existing scalar of a given style. The
 * rename feature checks every result by reading the edited file again; these only choose a
 * spelling that should pass.
 */

/**
 * PyYAML's reader refuses any character outside this set anywhere in the stream, even in a
 * quoted scalar: only the escapes of a double-quoted one can carry them. The BOM is printable
 * there but the scanner drops it at a line start, so it is never written bare either.
 */
export function isYamlPrintable(code: number): boolean {
  if (code === 0xfeff) return false;
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0x7e) ||
    code === 0x85 ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

export function allYamlPrintable(text: string): boolean {
  for (const char of text) if (!isYamlPrintable(char.codePointAt(0)!)) return false;
  return true;
}

/** True when `text` holds an unpaired surrogate: no file encoding can carry it. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

const SHORT_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
};

/**
 * The inside of a YAML double-quoted scalar for `text`. Line-break characters are escaped
 * too: written bare they would fold into a space.
 */
export function yamlDoubleQuotedBody(text: string): string {
  let body = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) body += short;
    else if (isYamlPrintable(code) && code !== 0x85 && code !== 0x2028 && code !== 0x2029) body += char;
    else if (code <= 0xff) body += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) body += `\\u${code.toString(16).padStart(4, '0')}`;
    else body += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return body;
}

export const yamlDoubleQuoted = (text: string): string => `"${yamlDoubleQuotedBody(text)}"`;

/** A single-quoted scalar has one escape (`''`); null when `text` needs another one. */
export function yamlSingleQuotedBody(text: string): string | null {
  if (!allYamlPrintable(text) || /[\n\r\x85\u2028\u2029]/.test(text)) return null;
  return text.replace(/'/g, "''");
}

/** The inside of a JSON string for `text`, as `json.loads` reads it back. */
export const jsonStringBody = (text: string): string => JSON.stringify(text).slice(1, -1);

/**
 * Whether `name` can be written as a plain (unquoted) YAML key and read back as that string.
 * Deliberately narrow: the usual `service:resource:action` names, never anything PyYAML's
 * YAML 1.1 resolver types (`yes`, `null`, `1.5`, `1:20`...), never an indicator.
 */
export function isPlainYamlKey(name: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_.\-/:]*$/.test(name) || name.endsWith(':')) return false;
  const reading = readPlainScalar(name);
  return reading.ok && reading.value.t === 'str' && reading.value.v === name;
}

/**
 * Whether `piece` can be written into a plain scalar after other characters (never at its
 * start) without ending it or starting a comment, in block or flow context alike: printable,
 * no flow indicators, and no `:` that a following space or end of the scalar would make a key
 * indicator. Plain scalars have no escapes, so anything else needs the value re-quoted.
 */
export function fitsInsidePlainScalar(piece: string): boolean {
  return allYamlPrintable(piece) && !/[,[\]{}\s]/.test(piece) && !piece.endsWith(':');
}
