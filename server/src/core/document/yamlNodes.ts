import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Span } from '../check/checkTypes';
import { PY_NONE, pyEquals, pyStr, type PyValue } from '../python/pyValue';
import type { ListItem, PolicyEntry, RuleValue, StringRuleValue } from './documentTypes';
import { pyyamlBlockScalar } from './pyyamlBlockScalar';
import { readPlainScalar, type ScalarReading } from './pyyamlScalars';
import {
  approximate,
  alignBlock,
  decodeBlock,
  decodeDoubleQuoted,
  decodePlain,
  decodeSingleQuoted,
  offsetsFromStart,
  type DecodedScalar,
} from './scalarSource';

/**
 * Reads the YAML library's nodes the way PyYAML's SafeLoader constructs them: plain scalars
 * typed YAML-1.1 style, explicit tags honoured or refused, mappings kept in order with
 * duplicates. `base` is the document offset of the parsed text.
 */
export interface NodeReadFailure {
  readonly exception: string;
  readonly message: string;
  readonly span: Span;
}

export class YamlNodeReader {
  /** The first construction error, if any: PyYAML would raise it and the file fails to load. */
  failure: NodeReadFailure | null = null;
  /** Something PyYAML does that we do not model (merge keys, exotic tags). */
  unpredictable: { reason: string; span: Span } | null = null;

  constructor(
    private readonly text: string,
    private readonly base: number,
    private readonly doc: Document,
    /**
     * The whole text is read (not a piece): block scalars are then decoded as PyYAML does, which
     * needs the lines after them (see `pyyamlBlockScalar`).
     */
    private readonly wholeText = false,
  ) {}

  /** A scalar's string as PyYAML reads it: the `yaml` package's, but for block scalars read whole. */
  private sourceValue(node: Scalar): string {
    const value = typeof node.value === 'string' ? node.value : '';
    if (node.type === 'QUOTE_DOUBLE' && node.range) {
      const raw = this.text.slice(node.range[0], node.range[1]);
      if (ESCAPED_BREAK_THEN_EMPTY_LINE.test(raw)) return decodeDoubleQuoted(raw, 0)?.text ?? value;
    }
    if (!this.wholeText || (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') || !node.range)
      return value;
    const header = node.range[0];
    return pyyamlBlockScalar(this.text, header, blockParentIndent(this.text, header)) ?? value;
  }

  span(node: Node | null | undefined): Span {
    const range = node?.range;
    if (!range) return { start: this.base, end: this.base };
    const [start, end] = rangeInside(range, this.text.length);
    return { start: this.base + start, end: this.base + end };
  }

  entriesOf(mapNode: Node): PolicyEntry[] {
    const entries: PolicyEntry[] = [];
    if (!isMap(mapNode)) return entries;
    this.collectionTag(mapNode);
    for (const pair of mapNode.items) {
      if (!isPair(pair)) continue;
      const keyNode = this.deref(pair.key as Node | null);
      const valueNode = this.deref(pair.value as Node | null);
      const keySpan = this.span(pair.key as Node | null);
      const key = this.keyValue(keyNode, keySpan);
      if (isMergeKey(keyNode) && !isMap(valueNode) && !isSeq(valueNode))
        this.fail(
          'ConstructorError',
          'while constructing a mapping: expected a mapping or list of mappings for merging',
          keySpan,
        );
      const value = this.ruleValue(valueNode, keySpan);
      const end = Math.max(keySpan.end, value.span.end);
      entries.push({
        name: key.t === 'str' ? key.v : null,
        key,
        keySpan,
        value,
        span: { start: keySpan.start, end },
      });
    }
    return entries;
  }

  private deref(node: Node | null): Node | null {
    if (node && isAlias(node)) {
      const target = node.resolve(this.doc);
      return (target as Node | undefined) ?? null;
    }
    return node;
  }

  private keyValue(node: Node | null, span: Span): PyValue {
    if (node === null) return PY_NONE;
    if (isScalar(node)) {
      // PyYAML's flatten_mapping runs before any key is constructed: it merges `<<` (not
      // modelled here) and makes a `=` key the string '='; neither is a constructor error.
      if (isMergeKey(node)) {
        this.markUnpredictable('a merge key (<<) merges another mapping into this one', span);
        return pyStr('<<');
      }
      if (isImplicit(node) && node.value === '=') return pyStr('=');
      return this.scalarValue(node);
    }
    // A sequence or mapping as key: PyYAML's construct_mapping refuses unhashable keys.
    this.fail('ConstructorError', 'while constructing a mapping: found unhashable key', span);
    return PY_NONE;
  }

  ruleValue(node: Node | null, keySpan: Span): RuleValue {
    if (node === null) {
      const at = { start: keySpan.end, end: keySpan.end };
      return { kind: 'other', value: PY_NONE, span: at, source: '' };
    }
    const span = this.span(node);
    if (isScalar(node)) {
      const value = this.scalarValue(node);
      if (value.t === 'str') return this.stringValue(node, value.v);
      return {
        kind: 'other',
        value,
        span,
        source: this.text.slice(span.start - this.base, span.end - this.base),
      };
    }
    if (isSeq(node) || isMap(node)) {
      const items = this.listItems(node, 1);
      this.constructAll(node);
      return { kind: 'list', items, span };
    }
    return { kind: 'other', value: PY_NONE, span, source: '' };
  }

  /**
   * Constructs every scalar under a collection, as PyYAML does before oslo.policy looks at any
   * (a bad tag or date three levels down, or in a mapping's values, still fails the load), and
   * refuses unhashable keys of mappings. Aliases are not followed: their anchors were visited.
   */
  constructAll(root: Node): void {
    const stack: unknown[] = [root];
    while (stack.length > 0 && this.failure === null) {
      const node = stack.pop();
      if (isSeq(node) || isMap(node)) this.collectionTag(node);
      if (isScalar(node)) this.scalarValue(node);
      else if (isSeq(node))
        for (let index = node.items.length - 1; index >= 0; index--) stack.push(node.items[index]);
      else if (isMap(node)) {
        for (let index = node.items.length - 1; index >= 0; index--) {
          const pair = node.items[index];
          if (!isPair(pair)) continue;
          if (isSeq(pair.key) || isMap(pair.key))
            this.fail(
              'ConstructorError',
              'while constructing a mapping: found unhashable key',
              this.span(pair.key),
            );
          stack.push(pair.value, pair.key);
        }
      }
    }
  }

  /** A sequence (or a mapping, which oslo.policy iterates by its keys) as the old list form. */
  private listItems(node: Node, depth: number): ListItem[] {
    const items: ListItem[] = [];
    const children: (Node | null)[] = isSeq(node)
      ? node.items.map((item) => item as Node | null)
      : isMap(node)
        ? node.items.map((pair) => (isPair(pair) ? (pair.key as Node | null) : null))
        : [];
    // A mapping's keys as its dict has them: a repeated key once, where it first was.
    const seen: PyValue[] | null = isMap(node) ? [] : null;
    for (const raw of children) {
      const child = this.deref(raw);
      const span = this.span(raw);
      if (child === null) {
        if (seen?.some((key) => key.t === 'none')) continue;
        seen?.push(PY_NONE);
        items.push({ kind: 'other', value: PY_NONE, span });
      } else if (isScalar(child)) {
        const value = this.scalarValue(child);
        if (seen?.some((key) => pyEquals(key, value))) continue;
        seen?.push(value);
        if (value.t === 'str') items.push({ kind: 'string', value: this.stringValue(child, value.v) });
        else items.push({ kind: 'other', value, span });
      } else if (isSeq(child) || isMap(child)) {
        // oslo.policy only looks two levels deep; deeper collections are single "checks" that
        // fail closed. Not descending further also defuses alias bombs.
        items.push(
          depth < 2
            ? { kind: 'list', items: this.listItems(child, depth + 1), span }
            : { kind: 'other', value: { t: 'list', items: [] }, span },
        );
      }
    }
    return items;
  }

  private stringValue(node: Scalar, value: string): StringRuleValue {
    const span = this.span(node);
    const decoded = this.decode(node, value);
    const style =
      node.type === 'QUOTE_DOUBLE'
        ? 'double'
        : node.type === 'QUOTE_SINGLE'
          ? 'single'
          : node.type === 'PLAIN'
            ? 'plain'
            : 'block';
    return {
      kind: 'string',
      text: decoded.text,
      fromStart: offsetsFromStart(decoded, span.start),
      span,
      style,
      exact: decoded.exact,
    };
  }

  private decode(node: Scalar, value: string): DecodedScalar {
    const range = rangeInside(node.range!, this.text.length);
    const start = this.base + range[0];
    const raw = this.text.slice(range[0], range[1]);
    let decoded: DecodedScalar | null;
    switch (node.type) {
      case 'QUOTE_DOUBLE':
        decoded = decodeDoubleQuoted(raw, start);
        break;
      case 'QUOTE_SINGLE':
        decoded = decodeSingleQuoted(raw, start);
        break;
      case 'PLAIN':
        decoded = decodePlain(raw, start);
        break;
      default:
        decoded = decodeBlock(raw, start, node.type === 'BLOCK_FOLDED');
    }
    if (decoded && decoded.text === value) return decoded;
    const aligned =
      node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? alignBlock(raw, start, value) : null;
    return aligned ?? approximate(value, start, this.base + range[1]);
  }

  /** PyYAML's construction of a scalar, honouring explicit tags as SafeConstructor does. */
  scalarValue(node: Scalar): PyValue {
    if ((node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && node.range) {
      // PyYAML's scanner wants a blank or a line break after the header's indicators; the
      // `yaml` package takes `|#c` for a header and a comment.
      const at = node.range[0];
      const hash = HEADER_THEN_HASH.exec(this.text.slice(at, at + 4));
      if (hash)
        this.fail(
          'ScannerError',
          "while scanning a block scalar: expected chomping or indentation indicators, but found '#'",
          { start: this.base + at, end: this.base + at + hash[0].length },
        );
    }
    // With the failsafe schema every scalar value is a string.
    const text = this.sourceValue(node);
    const tag = node.tag;
    if (!tag || tag === '!') {
      // PyYAML resolves a scalar tagged `!` by its content as if plain, whatever its style
      // (`! "1"` is the int 1, `! ''` None), where YAML makes it a string.
      if (tag === '!' && text.endsWith('\n')) {
        // Python's `$` also matches before a final line feed, and some constructors then choke
        // on it (`! |` over `yes` is KeyError 'yes\n'): not modelled.
        const typed = readPlainScalar(text.slice(0, -1));
        if (!typed.ok || typed.value.t !== 'str')
          this.markUnpredictable(`the tag ! on a block scalar ending in a line break`, this.span(node));
        return pyStr(text);
      }
      return node.type === 'PLAIN' || tag === '!' ? this.read(readPlainScalar(text), node) : pyStr(text);
    }
    switch (tag) {
      case 'tag:yaml.org,2002:str':
        return pyStr(text);
      case 'tag:yaml.org,2002:null':
        return PY_NONE;
      case 'tag:yaml.org,2002:bool': {
        const lowered = text.toLowerCase();
        if (['yes', 'true', 'on'].includes(lowered)) return { t: 'bool', v: true };
        if (['no', 'false', 'off'].includes(lowered)) return { t: 'bool', v: false };
        this.fail('KeyError', `'${lowered}'`, this.span(node));
        return PY_NONE;
      }
      case 'tag:yaml.org,2002:int':
      case 'tag:yaml.org,2002:float':
      case 'tag:yaml.org,2002:timestamp': {
        const reading = readPlainScalar(text);
        const expected = tag.slice('tag:yaml.org,2002:'.length);
        const got = reading.ok ? reading.value.t : null;
        const fits = got === expected || (expected === 'timestamp' && got === 'opaque');
        if (reading.ok && !fits) {
          this.markUnpredictable(`the explicit tag !!${expected} on '${text}'`, this.span(node));
          return pyStr(text);
        }
        return this.read(reading, node);
      }
      default:
        if (/^tag:yaml\.org,2002:(binary|set|omap|pairs|seq|map)$/.test(tag)) {
          this.markUnpredictable(`the explicit tag ${tag}`, this.span(node));
          return pyStr(text);
        }
        this.fail(
          'ConstructorError',
          `could not determine a constructor for the tag '${tag}'`,
          this.span(node),
        );
        return pyStr(text);
    }
  }

  private read(reading: ScalarReading, node: Scalar): PyValue {
    if (reading.ok) return reading.value;
    this.fail(reading.exception, reading.message, this.span(node));
    return pyStr(String(node.value));
  }

  /**
   * SafeConstructor's reading of an explicit tag on a mapping or a sequence: `!!map` and `!!seq`
   * (and `!`) as their node is, a scalar's tag or the other collection's as ConstructorError
   * ("expected a scalar node, but found mapping"), an unknown tag as no constructor; `!!set` of
   * a mapping, `!!omap` and `!!pairs` of a sequence build values oslo.policy would iterate in
   * their own ways: not modelled.
   */
  private collectionTag(node: YAMLMap | YAMLSeq): void {
    const tag = node.tag;
    if (!tag || tag === '!') return;
    const found = isMap(node) ? 'mapping' : 'sequence';
    const span = this.span(node);
    const name = tag.startsWith(CORE_TAG) ? tag.slice(CORE_TAG.length) : null;
    if (name === 'map' || name === 'seq') {
      const expected = name === 'map' ? 'mapping' : 'sequence';
      if (expected !== found)
        this.fail('ConstructorError', `expected a ${expected} node, but found ${found}`, span);
    } else if (name !== null && SCALAR_TAGS.has(name)) {
      this.fail('ConstructorError', `expected a scalar node, but found ${found}`, span);
    } else if (name === 'set' && found === 'sequence') {
      this.fail('ConstructorError', 'expected a mapping node, but found sequence', span);
    } else if ((name === 'omap' || name === 'pairs') && found === 'mapping') {
      const what = name === 'omap' ? 'an ordered map' : 'pairs';
      this.fail(
        'ConstructorError',
        `while constructing ${what}: expected a sequence, but found mapping`,
        span,
      );
    } else if (name === 'set' || name === 'omap' || name === 'pairs') {
      this.markUnpredictable(`the explicit tag !!${name} on a ${found}`, span);
    } else {
      this.fail('ConstructorError', `could not determine a constructor for the tag '${tag}'`, span);
    }
  }

  private fail(exception: string, message: string, span: Span): void {
    this.failure ??= { exception, message, span };
  }

  private markUnpredictable(reason: string, span: Span): void {
    this.unpredictable ??= { reason, span };
  }
}

/**
 * A node's range kept inside a text of `length`: the text may have been parsed with a line break
 * added after it (see `closedInput`), and nodes cut off by its end then reach past it.
 */
export function rangeInside(range: readonly number[], length: number): [number, number] {
  return [Math.min(range[0], length), Math.min(range[1], length)];
}

/** An escaped line break then an empty line: the `yaml` package folds what PyYAML keeps. */
const ESCAPED_BREAK_THEN_EMPTY_LINE = /\\\r?\n[ \t]*[\r\n]/;

const CORE_TAG = 'tag:yaml.org,2002:';
/** A block scalar header (indicator, then chomping and indentation in either order) and a `#` right after it. */
const HEADER_THEN_HASH = /^[|>](?:[+-][1-9]?|[1-9][+-]?)?#/;
/** SafeConstructor's tags for scalars (`construct_scalar` refuses any other node). */
const SCALAR_TAGS = new Set(['str', 'null', 'bool', 'int', 'float', 'timestamp', 'binary']);

/** An untagged plain `<<` key (or any `!`-tagged one): PyYAML's merge key. */
function isMergeKey(node: Node | null): boolean {
  return node !== null && isScalar(node) && isImplicit(node) && node.value === '<<';
}

/** A scalar PyYAML types by its content: plain and untagged, or tagged `!`. */
function isImplicit(node: Scalar): boolean {
  return node.tag === '!' || (node.type === 'PLAIN' && !node.tag);
}

/**
 * The indentation of the block collection holding a block scalar: that of the line its header
 * is on (`key: |`, `- |`), or, for a header on a line of its own, of the line before.
 */
function blockParentIndent(text: string, header: number): number {
  const lineStart = text.lastIndexOf('\n', header - 1) + 1;
  let first = lineStart;
  while (text[first] === ' ') first++;
  // `- - |2`, `- key: |2`: the innermost collection starts after the last `- ` on the line.
  let entry = -1;
  while (first < header && text[first] === '-' && text[first + 1] === ' ') {
    entry = first;
    first += 2;
    while (text[first] === ' ') first++;
  }
  // Nothing but tags and anchors before the header: it starts the node there.
  const startsNode = first === header || /^(?:[!&][^ ]* +)+$/.test(text.slice(first, header));
  if (entry >= 0 && startsNode) return entry - lineStart;
  if (startsNode) {
    // The nearest line before with content (not blank, not a comment).
    let end = lineStart - 1;
    while (end > 0) {
      const start = text.lastIndexOf('\n', end - 1) + 1;
      let at = start;
      while (text[at] === ' ') at++;
      if (at < end && text[at] !== '#' && text[at] !== '\r') return at - start;
      end = start - 1;
    }
    return 0;
  }
  return first - lineStart;
}
