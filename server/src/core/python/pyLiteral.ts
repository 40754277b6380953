import {
  isPyIdentifierContinue,
  isPyIdentifierStart,
  isPyPrintable,
  pyIdentifierStatusVaries,
} from './pyText';
import type { PyValue } from './pyValue';

/**
 * `ast.literal_eval(kind)` as oslo.policy's GenericCheck uses it: a Python literal gives its
 * value; valid Python that is not a literal (`a.b`, `a-b`, `f(x)`) raises ValueError, which
 * GenericCheck takes as "a credential path"; invalid Python (`01`, `1a`, `a$b`) raises
 * SyntaxError, which propagates and makes the enforcement fail.
 *
 * This reads the expressions that appear as kinds (no whitespace is possible: the tokenizer
 * splits on it). What it cannot classify with certainty it reports as unpredictable.
 */
export type LiteralResult =
  | { readonly kind: 'value'; readonly value: PyValue }
  | { readonly kind: 'not-literal' }
  | { readonly kind: 'raises'; readonly exception: string; readonly message: string }
  | { readonly kind: 'unpredictable'; readonly reason: string };

type Token =
  | { readonly type: 'name'; readonly text: string }
  | { readonly type: 'number'; readonly value: PyValue }
  | { readonly type: 'string'; readonly value: string; readonly bytes: boolean; readonly fstring: boolean }
  | { readonly type: 'op'; readonly text: string };

class Syntax extends Error {}
class Unsure extends Error {}

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '->',
  ':=',
  '**',
  '//',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
  '&',
  '|',
  '^',
  '~',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  ';',
  '=',
];

/** A UTF-16 surrogate without its pair: Python cannot encode the source to UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function literalEval(source: string): LiteralResult {
  // Both ValueError before any parsing (Python 3.11; 3.12 raises SyntaxError for a null byte):
  // "source code string cannot contain null bytes", and UnicodeEncodeError for a lone surrogate.
  if (source.includes('\u0000') || LONE_SURROGATE.test(source)) return { kind: 'not-literal' };
  try {
    const tokens = tokenize(source.replace(/^[ \t]+/, ''));
    const parser = new Parser(tokens);
    const node = parser.expressionList();
    if (!parser.done()) throw new Syntax('invalid syntax');
    const value = literalOf(node);
    return value === null ? { kind: 'not-literal' } : { kind: 'value', value };
  } catch (error) {
    if (error instanceof Syntax)
      return { kind: 'raises', exception: 'SyntaxError', message: `${error.message} (<unknown>, line 1)` };
    if (error instanceof Unsure)
      return { kind: 'unpredictable', reason: `Python's reading of '${source}' (${error.message})` };
    throw error;
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    const rest = text.slice(index);
    const prefix = /^([rRbBuUfF]{0,2})(['"])/.exec(rest);
    if (prefix && validPrefix(prefix[1])) {
      const read = readString(text, index + prefix[1].length, prefix[1].toLowerCase());
      tokens.push(read.token);
      index = read.end;
      continue;
    }
    if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(text[index + 1] ?? ''))) {
      const read = readNumber(text, index);
      tokens.push(read.token);
      index = read.end;
      continue;
    }
    // A comment runs to the end of the line, and a kind holds no line break (nor any whitespace).
    if (char === '#') break;
    const codePoint = text.codePointAt(index)!;
    unsureWhereReleasesDiffer(codePoint);
    if (isPyIdentifierStart(codePoint)) {
      let end = index + (codePoint > 0xffff ? 2 : 1);
      while (end < text.length) {
        const next = text.codePointAt(end)!;
        if (!isPyIdentifierContinue(next)) break;
        unsureWhereReleasesDiffer(next);
        end += next > 0xffff ? 2 : 1;
      }
      // A non-ASCII name is a name too (NFKC-normalized, `Ｔｒｕｅ` is the name True, not the
      // constant): never a literal.
      tokens.push({ type: 'name', text: text.slice(index, end) });
      index = end;
      continue;
    }
    const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (op) {
      tokens.push({ type: 'op', text: op });
      index += op.length;
      continue;
    }
    if (char === '\\') throw new Unsure('a line continuation');
    // CPython's tokenizer takes any non-ASCII character for part of a name, which then fails
    // its check: "invalid character" or "invalid non-printable character" (U+FEFF, U+200B).
    if (codePoint > 0x7f) {
      const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
      throw new Syntax(
        isPyPrintable(codePoint)
          ? `invalid character '${String.fromCodePoint(codePoint)}' (U+${hex})`
          : `invalid non-printable character U+${hex}`,
      );
    }
    throw new Syntax('invalid syntax');
  }
  return tokens;
}

/** A character whose identifier status depends on the Python release is not decided. */
function unsureWhereReleasesDiffer(codePoint: number): void {
  if (codePoint > 0x7f && pyIdentifierStatusVaries(codePoint))
    throw new Unsure('a character whose reading depends on the Python release');
}

function validPrefix(prefix: string): boolean {
  return /^(|r|u|b|f|br|rb|fr|rf)$/i.test(prefix);
}

function readNumber(text: string, start: number): { token: Token; end: number } {
  const rest = text.slice(start);
  const radix = /^0([xXoObB])/.exec(rest);
  let match: RegExpExecArray | null;
  let value: PyValue;
  if (radix) {
    const digits =
      radix[1].toLowerCase() === 'x' ? '[0-9a-fA-F]' : radix[1].toLowerCase() === 'o' ? '[0-7]' : '[01]';
    match = new RegExp(`^0[${radix[1]}](?:_?${digits})+`).exec(rest);
    if (!match) throw new Syntax('invalid literal');
    value = {
      t: 'int',
      v: BigInt(
        match[0]
          .replace(/_/g, '')
          .replace(/^0[oO]/, '0o')
          .replace(/^0[bB]/, '0b')
          .replace(/^0[xX]/, '0x'),
      ),
    };
  } else {
    match = /^(?:[0-9](?:_?[0-9])*)?(?:\.(?:[0-9](?:_?[0-9])*)?)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?/.exec(rest)!;
    let literal = match[0];
    // `1.` then `.5` is not one number; the regexp takes `1.` only when a digit part exists.
    if (literal === '' || literal === '.') throw new Syntax('invalid syntax');
    const imaginary = /^[jJ]/.test(rest.slice(literal.length));
    const clean = literal.replace(/_/g, '');
    if (imaginary) {
      literal += 'j';
      value = { t: 'complex', re: 0, im: Number(clean) };
    } else if (/[.eE]/.test(clean)) {
      value = { t: 'float', v: Number(clean) };
    } else {
      if (/^0+[1-9]/.test(clean)) {
        throw new Syntax(
          'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
        );
      }
      if (clean.length > 4300) throw new Unsure('an integer literal over 4,300 digits');
      value = { t: 'int', v: BigInt(clean) };
    }
    match = [literal] as unknown as RegExpExecArray;
  }
  const end = start + match[0].length;
  const next = text[end];
  if (next !== undefined && (/[0-9A-Za-z_]/.test(next) || next.charCodeAt(0) > 0x7f)) {
    // `1a` is a SyntaxError, but `1if`, `1or`... tokenize as a number and a keyword: leave those.
    const word = /^[A-Za-z_]+/.exec(text.slice(end))?.[0] ?? '';
    if (['and', 'or', 'if', 'in', 'is', 'not', 'else', 'for'].some((keyword) => word.startsWith(keyword))) {
      throw new Unsure('a number directly followed by a keyword');
    }
    if (next === '_' || /[0-9]/.test(next) || next === '.') throw new Syntax('invalid decimal literal');
    throw new Syntax(radix ? 'invalid literal' : 'invalid decimal literal');
  }
  if (next === '.' && !radix) throw new Unsure('a number followed by a dot');
  return { token: { type: 'number', value }, end };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

function readString(text: string, quoteAt: number, prefix: string): { token: Token; end: number } {
  const quote = text[quoteAt];
  const triple = text.startsWith(quote.repeat(3), quoteAt);
  const delimiter = triple ? quote.repeat(3) : quote;
  const raw = prefix.includes('r');
  const bytes = prefix.includes('b');
  let index = quoteAt + delimiter.length;
  let value = '';
  for (;;) {
    if (index >= text.length) throw new Syntax('unterminated string literal');
    if (text.startsWith(delimiter, index)) {
      index += delimiter.length;
      break;
    }
    const char = text[index];
    if (!triple && char === '\n') throw new Syntax('unterminated string literal');
    if (char === '\\') {
      const next = text[index + 1];
      if (next === undefined) throw new Syntax('unterminated string literal');
      if (raw) {
        value += char + next;
        index += 2;
        continue;
      }
      if (next in SIMPLE_ESCAPES) {
        value += SIMPLE_ESCAPES[next];
        index += 2;
        continue;
      }
      if (/[0-7]/.test(next)) {
        const octal = /^[0-7]{1,3}/.exec(text.slice(index + 1))![0];
        const code = parseInt(octal, 8);
        if (code > 0o377) throw new Unsure('an octal escape above \\377');
        value += String.fromCharCode(code);
        index += 1 + octal.length;
        continue;
      }
      if (next === 'x' || (!bytes && (next === 'u' || next === 'U'))) {
        const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const digits = text.slice(index + 2, index + 2 + width);
        if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(digits))
          throw new Syntax('(unicode error) truncated escape');
        const code = parseInt(digits, 16);
        if (code > 0x10ffff) throw new Syntax('(unicode error) illegal Unicode character');
        value += String.fromCodePoint(code);
        index += 2 + width;
        continue;
      }
      if (next === 'N' && !bytes) throw new Unsure('a named Unicode escape');
      // An unknown escape keeps its backslash (with a DeprecationWarning).
      value += char;
      index += 1;
      continue;
    }
    if (bytes && char.charCodeAt(0) > 0x7f)
      throw new Syntax('bytes can only contain ASCII literal characters');
    value += char;
    index += 1;
  }
  return { token: { type: 'string', value, bytes, fstring: prefix.includes('f') }, end: index };
}

type Node =
  | { readonly type: 'constant'; readonly value: PyValue }
  | { readonly type: 'fstring' }
  | { readonly type: 'name'; readonly name: string }
  | { readonly type: 'tuple' | 'list' | 'set'; readonly items: readonly Node[] }
  | { readonly type: 'dict'; readonly keys: readonly Node[]; readonly values: readonly Node[] }
  | { readonly type: 'unary'; readonly op: string; readonly operand: Node }
  | { readonly type: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly type: 'other' };

/** The level of `|` in `BINARY_LEVELS`: what may follow a `*` in a display. */
const BITWISE_OR_LEVEL = 3;

const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['or'],
  ['and'],
  ['==', '!=', '<', '>', '<=', '>='],
  ['|'],
  ['^'],
  ['&'],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '//', '%', '@'],
];

class Parser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return token !== undefined && token.type === 'op' && token.text === text;
  }

  /** `a, b` at the top is a tuple. */
  expressionList(): Node {
    if (this.done()) throw new Syntax('invalid syntax');
    const first = this.expression();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.position++;
      if (this.done() || this.isOp(')')) break;
      items.push(this.expression());
    }
    return { type: 'tuple', items };
  }

  private expression(): Node {
    const token = this.peek();
    if (token?.type === 'name' && ['lambda', 'not', 'yield'].includes(token.text)) {
      // Each needs something after it: as the last token it is invalid syntax (`not:x`).
      if (this.position === this.tokens.length - 1) throw new Syntax('invalid syntax');
      throw new Unsure(`the keyword ${token.text}`);
    }
    return this.binary(0);
  }

  private binary(level: number): Node {
    if (level >= BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      const text = token && (token.type === 'op' || token.type === 'name') ? token.text : null;
      if (text === null || !BINARY_LEVELS[level].includes(text)) return left;
      if (level <= 1) throw new Unsure('a boolean operator');
      this.position++;
      left = { type: 'binary', op: text, left, right: this.binary(level + 1) };
    }
  }

  private unary(): Node {
    const token = this.peek();
    if (token?.type === 'op' && ['-', '+', '~'].includes(token.text)) {
      this.position++;
      return { type: 'unary', op: token.text, operand: this.unary() };
    }
    return this.power();
  }

  private power(): Node {
    const token = this.peek();
    if (token?.type === 'name' && token.text === 'await') {
      // `await x` parses anywhere a primary may (only compiling it outside a coroutine fails),
      // and literal_eval refuses it.
      this.position++;
      this.postfix();
      if (this.isOp('**')) {
        this.position++;
        this.unary();
      }
      return { type: 'other' };
    }
    const base = this.postfix();
    if (this.isOp('**')) {
      this.position++;
      this.unary();
      return { type: 'other' };
    }
    return base;
  }

  private postfix(): Node {
    let node = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.position++;
        const name = this.peek();
        if (name?.type !== 'name' || KEYWORDS.has(name.text)) throw new Syntax('invalid syntax');
        this.position++;
        node = { type: 'other' };
      } else if (this.isOp('(')) {
        this.position++;
        const callee = node;
        const args = this.until(')', 'call');
        node =
          callee.type === 'name' && callee.name === 'set' && args.length === 0
            ? { type: 'set', items: [] }
            : { type: 'other' };
      } else if (this.isOp('[')) {
        this.position++;
        if (this.isOp(']')) throw new Syntax('invalid syntax');
        this.until(']', 'subscript');
        node = { type: 'other' };
      } else return node;
    }
  }

  /**
   * Comma-separated expressions up to a closing bracket (consumed). A display or a call may
   * unpack with `*x` (a call with `**x` too): valid syntax that literal_eval refuses; in a
   * subscript only from Python 3.11 on.
   */
  private until(close: string, context: 'display' | 'call' | 'subscript' = 'display'): Node[] {
    const items: Node[] = [];
    while (!this.isOp(close)) {
      if (this.done())
        throw new Syntax(`'${close === ')' ? '(' : close === ']' ? '[' : '{'}' was never closed`);
      if (this.isOp('*') || (context === 'call' && this.isOp('**'))) {
        if (context === 'subscript') throw new Unsure('a starred subscript (Python 3.11 and later only)');
        items.push(this.unpacking());
      } else items.push(this.expression());
      if (this.isOp(',')) this.position++;
      else if (!this.isOp(close)) {
        if (this.done())
          throw new Syntax(`'${close === ')' ? '(' : close === ']' ? '[' : '{'}' was never closed`);
        throw new Unsure('an unusual bracket content');
      }
    }
    this.position++;
    return items;
  }

  /** `*x` (or `**x`): the star, then what Python's grammar calls a `bitwise_or`. */
  private unpacking(): Node {
    this.position++;
    if (this.done()) throw new Syntax('invalid syntax');
    const next = this.peek()!;
    if (next.type === 'op' && [',', ')', ']', '}'].includes(next.text)) throw new Syntax('invalid syntax');
    this.binary(BITWISE_OR_LEVEL);
    return { type: 'other' };
  }

  private atom(): Node {
    const token = this.peek();
    if (!token) throw new Syntax('invalid syntax');
    this.position++;
    switch (token.type) {
      case 'number':
        return { type: 'constant', value: token.value };
      case 'string':
        return this.strings(token);
      case 'name':
        if (token.text === 'True' || token.text === 'False')
          return { type: 'constant', value: { t: 'bool', v: token.text === 'True' } };
        if (token.text === 'None') return { type: 'constant', value: { t: 'none' } };
        if (KEYWORDS.has(token.text)) throw new Syntax('invalid syntax');
        return { type: 'name', name: token.text };
      case 'op':
        if (token.text === '...') return { type: 'constant', value: { t: 'ellipsis' } };
        if (token.text === '(') {
          if (this.isOp(')')) {
            this.position++;
            return { type: 'tuple', items: [] };
          }
          const starred = this.isOp('*');
          const first = starred ? this.unpacking() : this.expression();
          if (this.isOp(')')) {
            if (starred) throw new Syntax('cannot use starred expression here');
            this.position++;
            return first;
          }
          if (!this.isOp(',')) {
            if (this.done()) throw new Syntax("'(' was never closed");
            throw new Unsure('an unusual parenthesised expression');
          }
          this.position++;
          return { type: 'tuple', items: [first, ...this.until(')')] };
        }
        if (token.text === '[') return { type: 'list', items: this.until(']') };
        if (token.text === '{') {
          if (this.isOp('}')) {
            this.position++;
            return { type: 'dict', keys: [], values: [] };
          }
          if (this.isOp('**')) {
            // `{**x}` unpacks into a dict: valid, refused by literal_eval. Other items: not modelled.
            const unpacked = this.unpacking();
            if (!this.isOp('}')) throw new Unsure('a dict display');
            this.position++;
            return { type: 'dict', keys: [unpacked], values: [unpacked] };
          }
          return { type: 'set', items: this.until('}') };
        }
        throw new Syntax('invalid syntax');
    }
  }

  /** Adjacent string literals concatenate; bytes and str cannot mix. */
  private strings(first: Token & { type: 'string' }): Node {
    let value = first.value;
    let fstring = first.fstring;
    for (;;) {
      const next = this.peek();
      if (next?.type !== 'string') break;
      if (next.bytes !== first.bytes) throw new Syntax('cannot mix bytes and nonbytes literals');
      value += next.value;
      fstring ||= next.fstring;
      this.position++;
    }
    if (fstring) return { type: 'fstring' };
    if (first.bytes) {
      const bytes = Uint8Array.from([...value].map((char) => char.charCodeAt(0)));
      return { type: 'constant', value: { t: 'bytes', v: bytes } };
    }
    return { type: 'constant', value: { t: 'str', v: value } };
  }
}

/** literal_eval's `_convert`: null where it raises ValueError ("malformed node or string"). */
function literalOf(node: Node): PyValue | null {
  switch (node.type) {
    case 'constant':
      return node.value;
    case 'tuple':
    case 'list':
    case 'set': {
      const items: PyValue[] = [];
      for (const item of node.items) {
        const value = literalOf(item);
        if (value === null) return null;
        items.push(value);
      }
      if (node.type === 'set') return setOf(items);
      return { t: node.type, items };
    }
    case 'dict':
      return node.keys.length === 0 ? { t: 'dict', map: new Map() } : null;
    case 'unary': {
      if (node.op === '~' || node.operand.type !== 'constant') return null;
      const value = node.operand.value;
      if (value.t === 'int') return { t: 'int', v: node.op === '-' ? -value.v : value.v };
      if (value.t === 'float') return { t: 'float', v: node.op === '-' ? -value.v : value.v };
      if (value.t === 'complex')
        return node.op === '-' ? { t: 'complex', re: -value.re, im: -value.im } : value;
      return null;
    }
    case 'binary': {
      if (node.op !== '+' && node.op !== '-') return null;
      const left = literalOf(
        node.left.type === 'unary' || node.left.type === 'constant' ? node.left : { type: 'other' },
      );
      const right = node.right.type === 'constant' ? node.right.value : null;
      if (!left || !right || right.t !== 'complex') return null;
      if (left.t !== 'int' && left.t !== 'float') return null;
      const re = Number(left.v);
      return { t: 'complex', re, im: node.op === '+' ? right.im : -right.im };
    }
    default:
      return null;
  }
}

/** A set literal: duplicates removed by Python equality; more than one element has hash order. */
function setOf(items: PyValue[]): PyValue {
  const unique: PyValue[] = [];
  for (const item of items) {
    if (item.t === 'list' || item.t === 'set' || item.t === 'dict')
      throw new Unsure('an unhashable set element');
    if (
      !unique.some(
        (other) =>
          JSON.stringify(other, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ===
          JSON.stringify(item, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
      )
    ) {
      unique.push(item);
    }
  }
  return { t: 'set', items: unique };
}
