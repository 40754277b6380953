import type { PyValue } from './pyValue';

/**
 * Python's `json.loads` (CPython 3.11's C scanner), with source offsets: how oslo.policy first
 * tries to read a policy file, and how the CLI reads credentials and targets (so `1` is an int
 * and `1.0` a float, as in Python). Iterative, so 50 MB files and deep nesting cannot overflow
 * the stack.
 */
export type JsonNode =
  | JsonObjectNode
  | JsonArrayNode
  | JsonStringNode
  | { readonly kind: 'number'; readonly value: PyValue; readonly start: number; readonly end: number }
  | { readonly kind: 'true' | 'false' | 'null'; readonly start: number; readonly end: number };

/** A string; `start`/`end` span its source text, quotes included. */
export interface JsonStringNode {
  readonly kind: 'string';
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export interface JsonMember {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly value: JsonNode;
}

/** An object with every member in source order, repeated keys included. */
export interface JsonObjectNode {
  readonly kind: 'object';
  readonly members: readonly JsonMember[];
  readonly start: number;
  readonly end: number;
}

export interface JsonArrayNode {
  readonly kind: 'array';
  readonly items: readonly JsonNode[];
  readonly start: number;
  readonly end: number;
}

/**
 * What `json.loads` raises: JSONDecodeError (`message` is its str(): `Expecting value: line 1
 * column 1 (char 0)`, positions in code points as Python counts them), RecursionError for
 * nesting deeper than Python's C scanner goes, or ValueError for an int over 4300 digits.
 * `offset` is the position in the JavaScript string (UTF-16 units).
 */
export class PyJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly exception: 'JSONDecodeError' | 'RecursionError' | 'ValueError' = 'JSONDecodeError',
  ) {
    super(message);
  }
}

/**
 * The deepest nesting `json.loads` accepts when oslo.policy's `Enforcer.load_rules()` is called
 * from a module's top level (9 Python frames down to `raw_decode`). The C scanner counts each
 * container against the recursion limit (1000) shared with those frames: a service, called
 * from deeper, accepts a little less.
 */
export const PYTHON_JSON_MAX_DEPTH = 989;

const INT_MAX_STR_DIGITS = 4300;

export type JsonParse =
  { readonly ok: true; readonly root: JsonNode } | { readonly ok: false; readonly error: PyJsonError };

export function parseJsonLocated(text: string): JsonParse {
  try {
    return { ok: true, root: new JsonReader(text).document() };
  } catch (error) {
    if (error instanceof PyJsonError) return { ok: false, error };
    throw error;
  }
}

/** `json.loads(text)`; throws PyJsonError. */
export function parsePythonJson(text: string): PyValue {
  return jsonToPy(new JsonReader(text).document());
}

/** Python's view of a parsed value: objects are dicts (a repeated key keeps its first place and its last value). */
export function jsonToPy(root: JsonNode): PyValue {
  interface Frame {
    readonly node: JsonObjectNode | JsonArrayNode;
    readonly values: PyValue[];
  }
  const leaf = (node: JsonNode): PyValue | null => {
    switch (node.kind) {
      case 'string':
        return { t: 'str', v: node.value };
      case 'number':
        return node.value;
      case 'true':
        return { t: 'bool', v: true };
      case 'false':
        return { t: 'bool', v: false };
      case 'null':
        return { t: 'none' };
      default:
        return null;
    }
  };
  const childrenOf = (node: JsonObjectNode | JsonArrayNode): number =>
    node.kind === 'object' ? node.members.length : node.items.length;
  const childAt = (node: JsonObjectNode | JsonArrayNode, index: number): JsonNode =>
    node.kind === 'object' ? node.members[index].value : node.items[index];
  const finish = (frame: Frame): PyValue => {
    if (frame.node.kind === 'array') return { t: 'list', items: frame.values };
    const map = new Map<string, PyValue>();
    frame.node.members.forEach((member, index) => map.set(member.key, frame.values[index]));
    return { t: 'dict', map };
  };

  const rootLeaf = leaf(root);
  if (rootLeaf) return rootLeaf;
  const stack: Frame[] = [{ node: root as JsonObjectNode | JsonArrayNode, values: [] }];
  for (;;) {
    const frame = stack[stack.length - 1];
    if (frame.values.length === childrenOf(frame.node)) {
      stack.pop();
      const value = finish(frame);
      const parent = stack[stack.length - 1];
      if (!parent) return value;
      parent.values.push(value);
      continue;
    }
    const child = childAt(frame.node, frame.values.length);
    const value = leaf(child);
    if (value) frame.values.push(value);
    else stack.push({ node: child as JsonObjectNode | JsonArrayNode, values: [] });
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

interface OpenContainer {
  readonly kind: 'object' | 'array';
  readonly start: number;
  readonly members: JsonMember[];
  readonly items: JsonNode[];
  key: string;
  keyStart: number;
  keyEnd: number;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

const SIMPLE_ESCAPES: Record<number, string> = {
  0x22: '"',
  0x5c: '\\',
  0x2f: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

class JsonReader {
  private index = 0;

  constructor(private readonly text: string) {}

  /** JSONDecodeError's text: positions in code points, as Python's str indices are. */
  private fail(message: string, at: number): never {
    const text = this.text;
    let position = 0;
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < text.length; i++) {
      const code = text.charCodeAt(i);
      // A surrogate pair is one Python character.
      if (code >= 0xdc00 && code <= 0xdfff && i > 0) {
        const before = text.charCodeAt(i - 1);
        if (before >= 0xd800 && before <= 0xdbff) continue;
      }
      position++;
      if (code === 0x0a) {
        line++;
        lineStart = position;
      }
    }
    position += Math.max(0, at - text.length);
    const column = position - lineStart + 1;
    throw new PyJsonError(`${message}: line ${line} column ${column} (char ${position})`, at);
  }

  private skipWhitespace(): void {
    const text = this.text;
    let index = this.index;
    for (;;) {
      const code = text.charCodeAt(index);
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) index++;
      else break;
    }
    this.index = index;
  }

  document(): JsonNode {
    if (this.text.charCodeAt(0) === 0xfeff) {
      throw new PyJsonError('Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)', 0);
    }
    this.skipWhitespace();
    const root = this.value();
    this.skipWhitespace();
    if (this.index !== this.text.length) this.fail('Extra data', this.index);
    return root;
  }

  /** Reads one value at `index`; containers are kept on an explicit stack. */
  private value(): JsonNode {
    const text = this.text;
    const stack: OpenContainer[] = [];
    let node: JsonNode | null = null;
    for (;;) {
      if (node === null) {
        const code = text.charCodeAt(this.index);
        if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
          const kind = code === OPEN_OBJECT ? 'object' : 'array';
          if (stack.length >= PYTHON_JSON_MAX_DEPTH) {
            throw new PyJsonError(
              `maximum recursion depth exceeded while decoding a JSON ${kind} from a unicode string`,
              this.index,
              'RecursionError',
            );
          }
          const start = this.index++;
          this.skipWhitespace();
          const close = text.charCodeAt(this.index);
          if (kind === 'object' && close === CLOSE_OBJECT) {
            node = { kind, members: [], start, end: ++this.index };
            continue;
          }
          if (kind === 'array' && close === CLOSE_ARRAY) {
            node = { kind, items: [], start, end: ++this.index };
            continue;
          }
          const container: OpenContainer = {
            kind,
            start,
            members: [],
            items: [],
            key: '',
            keyStart: 0,
            keyEnd: 0,
          };
          stack.push(container);
          if (kind === 'object') this.objectKey(container);
          continue;
        }
        node = this.scalar();
        continue;
      }
      const parent = stack[stack.length - 1];
      if (!parent) return node;
      if (parent.kind === 'array') parent.items.push(node);
      else
        parent.members.push({
          key: parent.key,
          keyStart: parent.keyStart,
          keyEnd: parent.keyEnd,
          value: node,
        });
      node = null;
      this.skipWhitespace();
      const next = text.charCodeAt(this.index);
      const closer = parent.kind === 'object' ? CLOSE_OBJECT : CLOSE_ARRAY;
      if (next === closer) {
        this.index++;
        stack.pop();
        node =
          parent.kind === 'object'
            ? { kind: 'object', members: parent.members, start: parent.start, end: this.index }
            : { kind: 'array', items: parent.items, start: parent.start, end: this.index };
        continue;
      }
      if (next !== COMMA) this.fail("Expecting ',' delimiter", this.index);
      this.index++;
      this.skipWhitespace();
      if (parent.kind === 'object') this.objectKey(parent);
    }
  }

  /** A member's key and its colon; leaves `index` at the value. */
  private objectKey(container: OpenContainer): void {
    if (this.text.charCodeAt(this.index) !== QUOTE) {
      this.fail('Expecting property name enclosed in double quotes', this.index);
    }
    container.keyStart = this.index;
    container.key = this.string();
    container.keyEnd = this.index;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.index) !== COLON) this.fail("Expecting ':' delimiter", this.index);
    this.index++;
    this.skipWhitespace();
  }

  private scalar(): JsonNode {
    const text = this.text;
    const start = this.index;
    const code = text.charCodeAt(start);
    if (code === QUOTE) {
      const value = this.string();
      return { kind: 'string', value, start, end: this.index };
    }
    if (code === 0x6e && text.startsWith('null', start)) {
      this.index += 4;
      return { kind: 'null', start, end: this.index };
    }
    if (code === 0x74 && text.startsWith('true', start)) {
      this.index += 4;
      return { kind: 'true', start, end: this.index };
    }
    if (code === 0x66 && text.startsWith('false', start)) {
      this.index += 5;
      return { kind: 'false', start, end: this.index };
    }
    if (code === 0x4e && text.startsWith('NaN', start)) {
      this.index += 3;
      return { kind: 'number', value: { t: 'float', v: NaN }, start, end: this.index };
    }
    if (code === 0x49 && text.startsWith('Infinity', start)) {
      this.index += 8;
      return { kind: 'number', value: { t: 'float', v: Infinity }, start, end: this.index };
    }
    if (code === 0x2d && text.startsWith('-Infinity', start)) {
      this.index += 9;
      return { kind: 'number', value: { t: 'float', v: -Infinity }, start, end: this.index };
    }
    return this.number();
  }

  /** _match_number_unicode: `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`, an int unless it has a fraction or exponent. */
  private number(): JsonNode {
    const text = this.text;
    const start = this.index;
    let index = start;
    if (text.charCodeAt(index) === 0x2d) index++;
    const first = text.charCodeAt(index);
    if (first >= 0x31 && first <= 0x39) {
      index++;
      while (isDigit(text.charCodeAt(index))) index++;
    } else if (first === 0x30) index++;
    else this.fail('Expecting value', start);
    let isFloat = false;
    if (text.charCodeAt(index) === 0x2e && isDigit(text.charCodeAt(index + 1))) {
      isFloat = true;
      index += 2;
      while (isDigit(text.charCodeAt(index))) index++;
    }
    const e = text.charCodeAt(index);
    if (e === 0x65 || e === 0x45) {
      let probe = index + 1;
      const sign = text.charCodeAt(probe);
      if (sign === 0x2b || sign === 0x2d) probe++;
      if (isDigit(text.charCodeAt(probe))) {
        isFloat = true;
        index = probe + 1;
        while (isDigit(text.charCodeAt(index))) index++;
      }
    }
    this.index = index;
    const literal = text.slice(start, index);
    if (isFloat) return { kind: 'number', value: { t: 'float', v: Number(literal) }, start, end: index };
    const digits = literal.charCodeAt(0) === 0x2d ? literal.length - 1 : literal.length;
    if (digits > INT_MAX_STR_DIGITS) {
      throw new PyJsonError(
        `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits} digits; ` +
          'use sys.set_int_max_str_digits() to increase the limit',
        start,
        'ValueError',
      );
    }
    return { kind: 'number', value: { t: 'int', v: BigInt(literal) }, start, end: index };
  }

  /** scanstring_unicode, strict: the string whose opening quote is at `index`. */
  private string(): string {
    const text = this.text;
    const length = text.length;
    const begin = this.index;
    let index = begin + 1;
    let out = '';
    for (;;) {
      let next = index;
      let code = 0;
      for (; next < length; next++) {
        code = text.charCodeAt(next);
        if (code === QUOTE || code === BACKSLASH) break;
        if (code <= 0x1f) this.fail('Invalid control character at', next);
      }
      if (next >= length) this.fail('Unterminated string starting at', begin);
      if (next > index) out += text.slice(index, next);
      next++;
      if (code === QUOTE) {
        this.index = next;
        return out;
      }
      if (next === length) this.fail('Unterminated string starting at', begin);
      const escape = text.charCodeAt(next);
      if (escape !== 0x75 /* u */) {
        const simple = SIMPLE_ESCAPES[escape];
        if (simple === undefined) this.fail('Invalid \\escape', next - 1);
        out += simple;
        index = next + 1;
        continue;
      }
      next++;
      let end = next + 4;
      if (end >= length) this.fail('Invalid \\uXXXX escape', next - 1);
      let unit = this.hex4(next, end);
      // A high surrogate followed by an escaped low one joins into one character, as in Python.
      if (
        unit >= 0xd800 &&
        unit <= 0xdbff &&
        end + 6 < length &&
        text.charCodeAt(end) === BACKSLASH &&
        text.charCodeAt(end + 1) === 0x75
      ) {
        const low = this.hex4(end + 2, end + 6);
        if (low >= 0xdc00 && low <= 0xdfff) {
          unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
          end += 6;
        }
      }
      out += String.fromCodePoint(unit);
      index = end;
    }
  }

  private hex4(from: number, end: number): number {
    let value = 0;
    for (let i = from; i < end; i++) {
      const digit = hexValue(this.text.charCodeAt(i));
      if (digit < 0) this.fail('Invalid \\uXXXX escape', end - 5);
      value = (value << 4) | digit;
    }
    return value;
  }
}
