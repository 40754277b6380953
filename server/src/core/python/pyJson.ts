import type { PyValue } from './pyValue';

/**
 * Python's `json.loads`, with source offsets: how oslo.policy first tries to read a policy
 * file, and how the CLI reads credentials and targets (so `1` is an int and `1.0` a float, as
 * in Python). Iterative, so 50 MB files and deep nesting cannot overflow the stack.
 */
export type JsonNode =
  | JsonObjectNode
  | JsonArrayNode
  | { readonly kind: 'string'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: 'number'; readonly value: PyValue; readonly start: number; readonly end: number }
  | { readonly kind: 'true' | 'false' | 'null'; readonly start: number; readonly end: number };

export interface JsonMember {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly value: JsonNode;
}

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

/** A `json.JSONDecodeError` (or RecursionError, for nesting Python's C scanner refuses). */
export class PyJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly exception: 'JSONDecodeError' | 'RecursionError' = 'JSONDecodeError',
  ) {
    super(message);
  }
}

/** Python's C scanner recurses per nesting level; from a shallow caller 998 levels pass. */
export const PYTHON_JSON_MAX_DEPTH = 998;

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

export function parsePythonJson(text: string): PyValue {
  return jsonToPy(new JsonReader(text).document());
}

/** Python's view of a parsed value: objects are dicts (a repeated key keeps its first place, last value). */
export function jsonToPy(root: JsonNode): PyValue {
  // Iterative post-order conversion.
  const results = new Map<JsonNode, PyValue>();
  const pending: [JsonNode, boolean][] = [[root, false]];
  while (pending.length > 0) {
    const [node, expanded] = pending.pop()!;
    if (node.kind === 'object' || node.kind === 'array') {
      if (!expanded) {
        pending.push([node, true]);
        const children = node.kind === 'object' ? node.members.map((m) => m.value) : node.items;
        for (const child of children) pending.push([child, false]);
        continue;
      }
      if (node.kind === 'array')
        results.set(node, { t: 'list', items: node.items.map((item) => results.get(item)!) });
      else {
        const map = new Map<string, PyValue>();
        for (const member of node.members) map.set(member.key, results.get(member.value)!);
        results.set(node, { t: 'dict', map });
      }
      continue;
    }
    results.set(node, leafValue(node));
  }
  return results.get(root)!;
}

function leafValue(node: JsonNode): PyValue {
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
      throw new Error('not a leaf');
  }
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;

interface OpenContainer {
  readonly kind: 'object' | 'array';
  readonly start: number;
  readonly members: JsonMember[];
  readonly items: JsonNode[];
  pendingKey: { key: string; keyStart: number; keyEnd: number } | null;
}

class JsonReader {
  private index = 0;

  constructor(private readonly text: string) {}

  private fail(message: string, at: number): never {
    const before = this.text.slice(0, at);
    const line = (before.match(/\n/g)?.length ?? 0) + 1;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    throw new PyJsonError(`${message}: line ${line} column ${column} (char ${at})`, at);
  }

  private skipWhitespace(): void {
    while (this.index < this.text.length && WHITESPACE.has(this.text.charCodeAt(this.index))) this.index++;
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

  /** Reads one value; containers are handled with an explicit stack. */
  private value(): JsonNode {
    const stack: OpenContainer[] = [];
    let node: JsonNode | null = null;
    for (;;) {
      if (node === null) {
        // Expecting a value at this.index (whitespace already skipped).
        const code = this.text.charCodeAt(this.index);
        if (code === 0x7b || code === 0x5b) {
          if (stack.length >= PYTHON_JSON_MAX_DEPTH) {
            throw new PyJsonError(
              'maximum recursion depth exceeded while decoding a JSON document',
              this.index,
              'RecursionError',
            );
          }
          const container: OpenContainer = {
            kind: code === 0x7b ? 'object' : 'array',
            start: this.index,
            members: [],
            items: [],
            pendingKey: null,
          };
          this.index++;
          this.skipWhitespace();
          const close = this.text.charCodeAt(this.index);
          if (container.kind === 'object' && close === 0x7d) {
            this.index++;
            node = { kind: 'object', members: [], start: container.start, end: this.index };
            continue;
          }
          if (container.kind === 'array' && close === 0x5d) {
            this.index++;
            node = { kind: 'array', items: [], start: container.start, end: this.index };
            continue;
          }
          stack.push(container);
          if (container.kind === 'object') {
            this.objectKey(container, 'Expecting property name enclosed in double quotes');
          }
          continue;
        }
        node = this.scalar();
        continue;
      }
      const parent = stack[stack.length - 1];
      if (!parent) return node;
      if (parent.kind === 'array') parent.items.push(node);
      else {
        const key = parent.pendingKey!;
        parent.members.push({ ...key, value: node });
        parent.pendingKey = null;
      }
      node = null;
      this.skipWhitespace();
      const next = this.text.charCodeAt(this.index);
      if (next === 0x2c) {
        this.index++;
        this.skipWhitespace();
        if (parent.kind === 'object')
          this.objectKey(parent, 'Expecting property name enclosed in double quotes');
        continue;
      }
      const closer = parent.kind === 'object' ? 0x7d : 0x5d;
      if (next === closer) {
        this.index++;
        stack.pop();
        node =
          parent.kind === 'object'
            ? { kind: 'object', members: parent.members, start: parent.start, end: this.index }
            : { kind: 'array', items: parent.items, start: parent.start, end: this.index };
        continue;
      }
      this.fail(parent.kind === 'object' ? "Expecting ',' delimiter" : "Expecting ',' delimiter", this.index);
    }
  }

  private objectKey(container: OpenContainer, message: string): void {
    if (this.text.charCodeAt(this.index) !== 0x22) this.fail(message, this.index);
    const keyStart = this.index;
    const key = this.string();
    const keyEnd = this.index;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.index) !== 0x3a) this.fail("Expecting ':' delimiter", this.index);
    this.index++;
    this.skipWhitespace();
    container.pendingKey = { key, keyStart, keyEnd };
  }

  private scalar(): JsonNode {
    const start = this.index;
    const code = this.text.charCodeAt(this.index);
    if (code === 0x22) {
      const value = this.string();
      return { kind: 'string', value, start, end: this.index };
    }
    for (const [word, kind] of [
      ['null', 'null'],
      ['true', 'true'],
      ['false', 'false'],
    ] as const) {
      if (this.text.startsWith(word, start)) {
        this.index += word.length;
        return { kind, start, end: this.index };
      }
    }
    for (const [word, value] of [
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (this.text.startsWith(word, start)) {
        this.index += word.length;
        return { kind: 'number', value: { t: 'float', v: value }, start, end: this.index };
      }
    }
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(this.text);
    if (match && match[0].length > 0 && match[0] !== '-') {
      this.index += match[0].length;
      const literal = match[0];
      const value: PyValue =
        match[1] !== undefined || match[2] !== undefined
          ? { t: 'float', v: Number(literal) }
          : { t: 'int', v: BigInt(literal) };
      return { kind: 'number', value, start, end: this.index };
    }
    this.fail('Expecting value', start);
  }

  /** A JSON string at this.index (the opening quote), strict about control characters. */
  private string(): string {
    const begin = this.index;
    this.index++;
    let out = '';
    let chunkStart = this.index;
    const text = this.text;
    for (;;) {
      if (this.index >= text.length) this.fail('Unterminated string starting at', begin);
      const code = text.charCodeAt(this.index);
      if (code === 0x22) {
        out += text.slice(chunkStart, this.index);
        this.index++;
        return out;
      }
      if (code < 0x20) this.fail('Invalid control character at', this.index);
      if (code !== 0x5c) {
        this.index++;
        continue;
      }
      out += text.slice(chunkStart, this.index);
      const escape = text[this.index + 1];
      if (escape === undefined) this.fail('Unterminated string starting at', begin);
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (escape in simple) {
        out += simple[escape];
        this.index += 2;
      } else if (escape === 'u') {
        const hex = text.slice(this.index + 2, this.index + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\uXXXX escape', this.index + 1);
        let code16 = parseInt(hex, 16);
        this.index += 6;
        // A high surrogate followed by an escaped low one is one character, as in Python.
        if (code16 >= 0xd800 && code16 <= 0xdbff && text.startsWith('\\u', this.index)) {
          const low = text.slice(this.index + 2, this.index + 6);
          if (/^[0-9a-fA-F]{4}$/.test(low)) {
            const lowCode = parseInt(low, 16);
            if (lowCode >= 0xdc00 && lowCode <= 0xdfff) {
              code16 = 0x10000 + ((code16 - 0xd800) << 10) + (lowCode - 0xdc00);
              this.index += 6;
            }
          }
        }
        out += String.fromCodePoint(code16);
      } else {
        this.fail('Invalid \\escape', this.index);
      }
      chunkStart = this.index;
    }
  }
}
