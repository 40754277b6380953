import { Parser } from 'yaml';
import type { LoadBehaviour, SyntaxProblem } from './documentTypes';

/**
 * Places where PyYAML refuses what the `yaml` package reads quietly (measured against
 * PyYAML 6.0 through oslo.policy's `parse_file_contents`):
 * - directives: `%YAML` other than 1.x, a second `%YAML`, no `---` after the directives;
 * - the start of the stream: `...` before any document, a block scalar with unindented lines;
 * - a `:` with no key before it (`: x`, `{: x}`): PyYAML's parser expects a key or the end of
 *   the mapping there. An explicit `? ` key is left unmodelled (the two libraries pair it with
 *   its value differently).
 */
export interface StreamQuirk {
  readonly load: Exclude<LoadBehaviour, { kind: 'loads' }>;
  readonly problem: SyntaxProblem;
}

/**
 * The text as the `yaml` package should see it to read it as PyYAML does, every offset kept
 * (only the line numbers of the package's messages move):
 * - PyYAML drops a byte order mark at the start; the package misreads what follows one in places
 *   (`\uFEFF- a` is a syntax error to it, `\uFEFF k: x` then `a: b` is not). A line break in
 *   its place reads the same.
 * - A block scalar header on a line after its key, at the key's indentation (`a:` then `|`, maybe
 *   with blank and comment lines between): PyYAML reads it as the key's value, the package as a
 *   syntax error. What lies between the colon and the header becomes spaces: `a:   |`, the
 *   same scalar (comments are collected from the text itself).
 */
export function forYamlPackage(text: string): string {
  const input = text.charCodeAt(0) === 0xfeff ? `\n${text.slice(1)}` : text;
  if (!input.includes('|') && !input.includes('>')) return input;
  return input.replace(
    HEADER_UNDER_KEY,
    (match: string, indent: string, keyEnd: string, properties: string) => {
      // The key's tags and anchors stay: they are the scalar's (`a: !!str` then `|`).
      const colon = indent.length + keyEnd.length + properties.length;
      const header = match.lastIndexOf('\n') + 1 + indent.length;
      return `${match.slice(0, colon)}${' '.repeat(header - colon)}${match.slice(header)}`;
    },
  );
}

/**
 * A key line ending in `:` (maybe tags, anchors and a comment after it), blank or comment lines,
 * then a block scalar header alone at the key's indentation. Groups: the indentation, the key to
 * its colon, the tags and anchors.
 */
const HEADER_UNDER_KEY =
  /^( *)([^\s#](?:[^\n#]|(?<=\S)#)*:)((?: +(?:![^\s#]*|&[^\s#]+))*)(?: +#[^\n]*)? *\r?\n(?: *(?:#[^\n]*)?\r?\n)*\1[|>][+-]?[1-9]?[+-]? *(#[^\n]*)?(?=\r?\n|$)/gm;

export function streamQuirk(text: string): StreamQuirk | null {
  return (
    directiveQuirk(text) ??
    streamStartQuirk(text) ??
    keylessValueQuirk(text) ??
    directiveAfterDocumentEnd(text)
  );
}

/** A `...` line, then blank, comment or more `...` lines, then a directive. */
const DIRECTIVE_AFTER_DOCUMENT_END = /^\.\.\.(?: .*)?\r?\n(?:(?: *(?:#.*)?|\.\.\.(?: .*)?)\r?\n)*(%.*)/m;

/**
 * A directive after a document's end (`...`): it announces a next document, which PyYAML then
 * wants (`---`), and one document is all `safe_load` takes. The `yaml` package reads it as a
 * directive of nothing.
 */
function directiveAfterDocumentEnd(text: string): StreamQuirk | null {
  const found = DIRECTIVE_AFTER_DOCUMENT_END.exec(text);
  if (!found) return null;
  const start = found.index + found[0].length - found[1].length;
  return raises(
    start,
    start + found[1].length,
    "expected '<document start>', but found a directive",
    ' (after the end of the document)',
  );
}

/** Where the first line holding more than spaces and a comment begins (after a BOM), or the text's length. */
function firstContentLine(text: string, from = 0): number {
  // One native scan over the leading lines (run after every keystroke: a sample file with every
  // rule commented out is thousands of such lines), then the last line when it has no line break.
  BLANK_OR_COMMENT_LINES.lastIndex = from === 0 && text.charCodeAt(0) === 0xfeff ? 1 : from;
  BLANK_OR_COMMENT_LINES.test(text);
  const offset = BLANK_OR_COMMENT_LINES.lastIndex;
  return BLANK_OR_COMMENT.test(text.slice(offset)) ? text.length : offset;
}

/** Lines of `BLANK_OR_COMMENT` each ended by a line break, from `lastIndex` on (`.` stops at the same characters). */
const BLANK_OR_COMMENT_LINES = /(?: *(?:#[^\n\r\u2028\u2029]*)?\r?\n)*/y;

/** The first content line opens with what `streamStartQuirk` or `directiveQuirk` look at. */
const QUIRKY_START = /^( *[|>!&]|%|\.\.\.( |\r?$|\r?\n)|---( +[|>!&#]| *\r?$| *\r?\n))/;

/** A node's tags and anchors (`!!str `, `&a `, `! `), each followed by blanks or the end of the line. */
const PROPERTIES = String.raw`(?:(?:![^\s]*|&[^\s]+)(?: +|$))*`;

/**
 * A `|` or `>` header alone on its line, maybe after `--- ` and the node's tags and anchors (no
 * indentation indicator: not modelled here).
 */
const BLOCK_SCALAR_HEADER = new RegExp(String.raw`^(--- +| *)${PROPERTIES}[|>][+-]? *(#.*)?\r?$`);
/** A line of a node's tags and anchors alone: the node is on the next line. */
const PROPERTIES_ALONE = /^(--- +| *)(?:(?:![^\s]*|&[^\s]+) *)+(?:#.*)?\r?$/;

/**
 * How a stream may begin for PyYAML, where the `yaml` package reads on:
 * - `...` before any document: PyYAML expects a node there;
 * - a block scalar (`|`, `>`) as the whole document, then a line at column 0: the scalar wants
 *   its lines indented (at least one space at the top level), so it ends there, and PyYAML
 *   finds a second node where it expects the end of the document. A comment at column 0 ends
 *   the scalar too; any node after it is then a second one.
 */
function streamStartQuirk(text: string): StreamQuirk | null {
  let start = firstContentLine(text);
  let lineEnd = text.indexOf('\n', start);
  let first = text.slice(start, lineEnd < 0 ? text.length : lineEnd);
  if (/^\.\.\.( |\r?$)/.test(first))
    return raises(start, start + 3, "expected the node content, but found '<document end>'", '');
  if (/^---( +#.*| *)\r?$/.test(first) && lineEnd >= 0) {
    // `---` alone (or with a comment): the document is what comes next.
    start = firstContentLine(text, lineEnd + 1);
    lineEnd = text.indexOf('\n', start);
    first = text.slice(start, lineEnd < 0 ? text.length : lineEnd);
  }
  while (PROPERTIES_ALONE.test(first) && lineEnd >= 0) {
    // `!!str` alone: its node begins on a later line.
    start = firstContentLine(text, lineEnd + 1);
    lineEnd = text.indexOf('\n', start);
    first = text.slice(start, lineEnd < 0 ? text.length : lineEnd);
  }
  if (!BLOCK_SCALAR_HEADER.test(first) || lineEnd < 0) return null;
  let ended = false;
  let offset = lineEnd + 1;
  while (offset < text.length) {
    const next = text.indexOf('\n', offset);
    const lineStart = offset;
    const lineStop = next < 0 ? text.length : next;
    const line = text.slice(lineStart, lineStop);
    offset = lineStop + 1;
    // Lines of spaces belong to the scalar, or are nothing once it ended.
    if (/^[ \r]*$/.test(line)) continue;
    const comment = BLANK_OR_COMMENT.test(line);
    // A comment at column 0 ends the scalar; an indented `#` line is its text while it lasts.
    if (comment && line.charCodeAt(0) === 0x23 /* # */) ended = true;
    if (comment && ended) continue;
    if (line.charCodeAt(0) === 0x20 && !ended) continue;
    // `---` or `...` start or end a document: not a second node.
    if (/^(---|\.\.\.)( |\r?$)/.test(line)) return null;
    return raises(
      lineStart,
      lineStop,
      "expected '<document start>', but found another token",
      ' (the lines of a block scalar must be indented)',
    );
  }
  return null;
}

/**
 * Whether `streamQuirk` can find anything in the text (or, given the lines an edit changed,
 * in those): false for nearly every policy file, which is then not parsed again for it.
 */
export function mayHaveStreamQuirk(text: string, from = 0, to = text.length): boolean {
  // Directives or an odd start: what follows counts too (a `---` removed further down), so the
  // whole text is looked at after any edit. Such texts are rare and are no policy files.
  const content = firstContentLine(text);
  const contentEnd = text.indexOf('\n', content);
  if (QUIRKY_START.test(text.slice(content, contentEnd < 0 ? text.length : contentEnd + 1))) return true;
  // Whole lines around the change: a match starts at a line break, a `{` or a `,`.
  const start = Math.max(0, text.lastIndexOf('\n', Math.max(0, from - 1)));
  let end = text.indexOf('\n', to);
  end = end < 0 ? text.length : end + 1;
  const lines = text.slice(start, end);
  // A flow collection may open lines before the `?`, a `...` before the directive: the whole
  // text is looked at then.
  return (
    MAYBE_KEYLESS.test(lines) ||
    MAYBE_PROPERTIES_AFTER_KEY.test(lines) ||
    (lines.includes('?') && mayHaveFlowQuestion(text)) ||
    ((lines.includes('%') || lines.includes('...')) && DIRECTIVE_AFTER_DOCUMENT_END.test(text))
  );
}

/** A PyYAML syntax error at [start, end): the load raises ValueError, reported as `yaml-syntax`. */
export function raises(start: number, end: number, message: string, advice: string): StreamQuirk {
  const span = { start, end };
  return {
    load: { kind: 'raises', exception: 'ValueError', message, span },
    problem: {
      span,
      severity: 'error',
      code: 'yaml-syntax',
      message: `YAML syntax error for PyYAML: ${message}${advice}: oslo.policy cannot load this file.`,
    },
  };
}

function unpredictable(start: number, end: number, reason: string): StreamQuirk {
  const span = { start, end };
  return {
    load: { kind: 'unpredictable', reason, span },
    problem: { span, severity: 'warning', code: 'yaml-syntax', message: `${reason}.` },
  };
}

/** A line that only holds spaces and perhaps a comment. */
const BLANK_OR_COMMENT = /^ *(#.*)?\r?$/;
const YAML_DIRECTIVE = /^%YAML +(\d+)\.(\d+) *(#.*)?\r?$/;
/** A directive PyYAML reads and ignores (with a warning): a name, then anything. */
const OTHER_DIRECTIVE = /^%[0-9A-Za-z_-]+( .*)?\r?$/;

/** The directives before the document, checked as PyYAML's scanner and parser check them. */
function directiveQuirk(text: string): StreamQuirk | null {
  // Blank lines and comments may come before the directives.
  let offset = firstContentLine(text);
  if (text.charCodeAt(offset) !== 0x25 /* % */) return null;
  let seenYaml = false;
  while (offset < text.length) {
    const lineEnd = text.indexOf('\n', offset);
    const end = lineEnd < 0 ? text.length : lineEnd;
    const line = text.slice(offset, end);
    const next = lineEnd < 0 ? text.length : lineEnd + 1;
    if (line.startsWith('%')) {
      const yamlVersion = YAML_DIRECTIVE.exec(line);
      if (yamlVersion) {
        if (seenYaml) return raises(offset, end, 'found duplicate YAML directive', '');
        seenYaml = true;
        if (yamlVersion[1] !== '1')
          return raises(offset, end, 'found incompatible YAML document (version 1.* is required)', '');
      } else if (line.startsWith('%TAG') || line.startsWith('%YAML') || !OTHER_DIRECTIVE.test(line)) {
        return unpredictable(
          offset,
          end,
          'This directive is read differently by PyYAML (which oslo.policy uses) and by this tool; not modelled. Policy files need no directive: remove it',
        );
      }
    } else if (!BLANK_OR_COMMENT.test(line)) {
      if (/^---( |\r?$)/.test(line)) return null;
      return raises(
        offset,
        end,
        "expected '<document start>', but found another token",
        " (after a directive, PyYAML wants a '---' line)",
      );
    }
    offset = next;
  }
  // Directives and then nothing: PyYAML still wants the document they announce.
  return raises(text.length, text.length, "expected '<document start>', but found '<stream end>'", '');
}

/**
 * Only texts where a `:` or `?` can begin an entry are parsed again for this: at the start of
 * a line, after `{`, `[` or `,`, or after the `- ` of (nested) sequence entries, or a `:` that
 * may begin a value in a flow collection (`{a: :x}`).
 */
const MAYBE_KEYLESS = /(^\uFEFF?|[\n{[,])[ ]*(?:-[ ]+)*[?:]([ \r\n]|$)|[{[,][ ]*:|: +:/;

/** A line that is not a comment holding a `[` or a `{`, and from there one holding a `?`. */
const FLOW_OPEN_LINE = /^(?![ \t]*#)[^\n]*[{[]/gm;
const QUESTION_LINE = /^(?![ \t]*#)[^\n]*\?/gm;

/**
 * A `?` somewhere after a `{` or `[`, outside comment lines: maybe one in a plain scalar in a
 * flow collection. Sample files' operation comments (`# GET /v3/roles?domain_id={domain_id}`)
 * made Keystone's, Cinder's, Manila's and Ironic's re-parsed whole after every keystroke.
 */
function mayHaveFlowQuestion(text: string): boolean {
  FLOW_OPEN_LINE.lastIndex = 0;
  const open = FLOW_OPEN_LINE.exec(text);
  if (!open) return false;
  QUESTION_LINE.lastIndex = open.index;
  return QUESTION_LINE.test(text);
}

/** A quoted scalar, then blanks and a tag or an anchor: maybe properties after a flow mapping's key. */
const MAYBE_PROPERTIES_AFTER_KEY = /["'] +[&!]/;

/**
 * The first `:` with no key before it, the first explicit `?` key, the first `?` in a plain
 * scalar in a flow collection, or the first tag or anchor after a flow mapping's key before any
 * colon, in stream order.
 */
function keylessValueQuirk(text: string): StreamQuirk | null {
  if (!MAYBE_KEYLESS.test(text) && !mayHaveFlowQuestion(text) && !MAYBE_PROPERTIES_AFTER_KEY.test(text))
    return null;
  return firstInCst<StreamQuirk>(text, {
    // Sequences too: the old list form (`- : x`, `[: x]`) fails to load as well.
    descend: (node) =>
      node.type === 'block-map' || node.type === 'block-seq' || node.type === 'flow-collection',
    item(item, collection) {
      const explicit = item.start?.find((t) => t.type === 'explicit-key-ind');
      if (explicit) {
        return unpredictable(
          explicit.offset,
          explicit.offset + 1,
          'An explicit `? ` key is read differently by PyYAML (which oslo.policy uses) and by this tool; not modelled. Write the key before its colon',
        );
      }
      if (collection.type === 'flow-collection') {
        const quirk = flowItemQuirk(item);
        if (quirk) return quirk;
      }
      const colon = item.sep?.find((t) => t.type === 'map-value-ind');
      // A tag or an anchor alone before the colon is an empty key (`!!str : x` is {'': 'x'}).
      const emptyKey = item.start?.some((t) => t.type === 'tag' || t.type === 'anchor') === true;
      if (item.key !== null || !colon || emptyKey) return undefined;
      const expected =
        collection.type === 'block-map'
          ? "expected <block end>, but found ':'"
          : "expected the node content, but found ':'";
      return raises(colon.offset, colon.offset + 1, expected, ' (a colon with no key)');
    },
  });
}

/** What PyYAML reads otherwise in an item of a `[...]` or `{...}`, in the item's order. */
function flowItemQuirk(item: CstItem): StreamQuirk | null {
  // PyYAML ends a plain scalar at a `?` and reads it as an explicit key indicator (`[?x]` is a
  // mapping, `{a: ?x}` and `[x?]` errors); the `yaml` package keeps it in the string.
  const question = plainScalarWhere(item, (source) => source.includes('?'));
  if (question) {
    const at = (question.offset ?? 0) + (question.source ?? '').indexOf('?');
    return unpredictable(
      at,
      at + 1,
      "A '?' in an unquoted value inside [...] or {...} is read differently by PyYAML (which oslo.policy uses, as an explicit key) and by this tool; not modelled. Quote the value",
    );
  }
  // PyYAML takes a `:` that begins a token for a value indicator, whatever follows it (`[:x]`,
  // `{a: :x}`); the `yaml` package reads a plain scalar `:x`.
  const leading = plainScalarWhere(item, (source) => source.startsWith(':'));
  if (leading) {
    const at = leading.offset ?? 0;
    return raises(at, at + 1, "expected the node content, but found ':'", ' (a colon with no key)');
  }
  // `{'s' &a}`: PyYAML wants a ',' or a '}' after the key, the `yaml` package gives the tag or
  // anchor to an empty value.
  for (const token of item.sep ?? []) {
    if (token.type === 'map-value-ind') break;
    if (token.type === 'anchor' || token.type === 'tag') {
      const what = token.type === 'anchor' ? '<anchor>' : '<tag>';
      return raises(token.offset, token.offset + 1, `expected ',' or '}', but got '${what}'`, '');
    }
  }
  return null;
}

/** The item's key or value, when it is a plain scalar whose source passes `test`. */
function plainScalarWhere(item: CstItem, test: (source: string) => boolean): CstNode | undefined {
  return [item.key, item.value].find(
    (part): part is CstNode =>
      (part as CstNode | null)?.type === 'scalar' && test((part as CstNode).source ?? ''),
  );
}

interface CstNode {
  readonly type?: string;
  readonly offset?: number;
  readonly source?: string;
  readonly items?: readonly CstItem[];
  readonly value?: unknown;
}

interface CstItem {
  readonly start?: readonly { type: string; offset: number }[];
  readonly key: unknown;
  readonly sep?: readonly { type: string; offset: number }[];
  readonly value?: unknown;
}

/**
 * Walks the `yaml` package's CST of `text` in stream order (each node, each collection item,
 * then its key and value); the first answer that is not undefined ends the walk and is
 * returned (null too).
 */
function firstInCst<T>(
  text: string,
  visit: {
    readonly node?: (node: CstNode) => T | null | undefined;
    readonly item?: (item: CstItem, collection: CstNode) => T | null | undefined;
    /** Whether to visit a collection's items at all (all by default). */
    readonly descend?: (node: CstNode) => boolean;
  },
): T | null {
  let answer: T | null | undefined;
  const walk = (raw: unknown, depth: number): void => {
    if (answer !== undefined || depth > 200 || typeof raw !== 'object' || raw === null) return;
    const node = raw as CstNode;
    if (node.type === 'document') return walk(node.value, depth + 1);
    answer = visit.node?.(node);
    if (visit.descend && !visit.descend(node)) return;
    for (const item of node.items ?? []) {
      if (answer !== undefined) return;
      answer = visit.item?.(item, node);
      walk(item.key, depth + 1);
      walk(item.value, depth + 1);
    }
  };
  for (const token of new Parser().parse(forYamlPackage(text))) {
    walk(token, 0);
    if (answer !== undefined) break;
  }
  return answer ?? null;
}

/**
 * A quoted scalar whose continuation lines are not indented: PyYAML reads on to the closing
 * quote (its flow scalars ignore indentation, only a `---`/`...` line or the end of the text
 * stops them), the `yaml` package ends the scalar at the line break and reads the rest as
 * more entries. Returns the quote's offset and where PyYAML finds its end, or null when
 * PyYAML fails there too.
 */
export function unindentedQuotedScalar(text: string): { start: number; end: number } | null {
  return firstInCst<{ start: number; end: number }>(text, {
    node(node) {
      if (node.type !== 'double-quoted-scalar' && node.type !== 'single-quoted-scalar') return undefined;
      const source = node.source ?? '';
      const quote = source[0];
      const closed = source.length > 1 && source.endsWith(quote) && !(quote === '"' && escapedEnd(source));
      if (closed) return undefined;
      // The first unclosed one decides: where PyYAML ends it, or nothing if PyYAML fails too.
      const start = node.offset ?? 0;
      const end = pyyamlQuotedEnd(text, start);
      return end >= 0 ? { start, end } : null;
    },
  });
}

/** An odd run of backslashes before the final quote: the quote is escaped. */
function escapedEnd(source: string): boolean {
  let slashes = 0;
  for (let index = source.length - 2; index > 0 && source[index] === '\\'; index--) slashes++;
  return slashes % 2 === 1;
}

/** Where PyYAML's `scan_flow_scalar` ends a quoted scalar opened at `start` (after the quote), or -1. */
function pyyamlQuotedEnd(text: string, start: number): number {
  const quote = text[start];
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (quote === "'" && char === "'") {
      if (text[index + 1] === "'") {
        index += 2;
        continue;
      }
      return index + 1;
    }
    if (quote === '"' && char === '\\') {
      index += 2;
      continue;
    }
    if (quote === '"' && char === '"') return index + 1;
    if (char === '\n' || char === '\r') {
      const lineStart = char === '\r' && text[index + 1] === '\n' ? index + 2 : index + 1;
      const marker = text.slice(lineStart, lineStart + 3);
      const after = text[lineStart + 3];
      // "found unexpected document separator"
      if ((marker === '---' || marker === '...') && (after === undefined || ' \t\r\n'.includes(after)))
        return -1;
      index = lineStart;
      continue;
    }
    index++;
  }
  return -1;
}
