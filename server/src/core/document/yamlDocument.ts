import { CST, Lexer, isMap, isScalar, isSeq, parseAllDocuments, visit, type Document } from 'yaml';
import type { Span } from '../check/checkTypes';
import { pyTruthy } from '../python/pyTruth';
import { pyStr, type PyValue } from '../python/pyValue';
import type { LoadBehaviour, PolicyEntry, SyntaxProblem } from './documentTypes';
import { failsAfterReading, notAMapping, withoutNotAMapping } from './notAMapping';
import { entryIdentity } from './shiftEntry';
import { chunkYaml } from './yamlChunks';
import {
  mayHaveStreamQuirk,
  raises,
  streamQuirk,
  unindentedQuotedScalar,
  forYamlPackage,
} from './yamlStreamQuirks';
import { nestingVerdict, YAML_LIBRARY_MAX_LEVELS } from './yamlDepth';
import { rangeInside, YamlNodeReader } from './yamlNodes';
import {
  closedInput,
  PARSE_OPTIONS,
  readerLoad,
  readPieces,
  YamlPieceCache,
  type PiecesReading,
} from './yamlPieces';

/**
 * Reads a policy file as PyYAML's `safe_load` would, with the `yaml` package doing the parsing.
 * Ordinary files are read piece by piece (one piece per top-level rule) so that an edit only
 * re-parses the piece it touched; anything unusual, or any piece with an error, sends the whole
 * text through the YAML library at once, which is the reference reading.
 */
export interface YamlReading {
  readonly entries: PolicyEntry[];
  readonly problems: SyntaxProblem[];
  readonly load: LoadBehaviour;
  readonly comments: [number, number][];
}

export { YamlPieceCache };

export function readYaml(text: string, cache: YamlPieceCache = new YamlPieceCache()): YamlReading {
  cache.beginReading(text);
  // Scanning 500 KB for refused characters after every keystroke: when the previous text had
  // none, only what changed can have one.
  const changed = cache.scannerClean ? cache.changedRegion(text) : null;
  const scannerFailure =
    changed && !SCANNER_SUSPECT.test(text.slice(changed[0], changed[1])) ? null : pyyamlOnlyFailure(text);
  // Not with a tab anywhere: whether a tab is an error depends on what is around it (a quote
  // removed further up makes a quoted tab a plain one), so an edit away from it can make one.
  cache.scannerClean = scannerFailure === null && text.indexOf('\t') < 0;
  const chunked = chunkYaml(text);
  let pieces: PiecesReading | null = null;
  if (!chunked.wholeDocument) pieces = readPieces(text, chunked.chunks, chunked.comments, cache);
  cache.endReading(text, pieces?.entries ?? null);
  const long = pieces && pieces.load.kind !== 'raises' ? longKeyFailure(text, pieces.entries) : null;
  const reading: YamlReading = pieces
    ? { ...pieces, problems: long ? [long.problem] : [], load: long?.load ?? pieces.load }
    : readWhole(text);
  if (reading.load.kind === 'raises' && reading.load.message.startsWith('Missing closing')) {
    const quoted = unindentedQuotedScalar(text);
    if (quoted) return withFailure(unmodelledQuotedScalar(reading, quoted), scannerFailure);
  }
  const suspect =
    changed && cache.quirkFree ? mayHaveStreamQuirk(text, changed[0], changed[1]) : mayHaveStreamQuirk(text);
  cache.quirkFree = !suspect;
  const quirk = suspect ? streamQuirk(text) : null;
  // PyYAML stops at the first error in the stream: the quirk's, unless the reading's comes first.
  if (
    quirk &&
    (reading.load.kind !== 'raises' ||
      failsAfterReading(reading.load) ||
      reading.load.span.start > quirk.load.span.start)
  ) {
    // An error the reading meets after something not modelled may be the misreading's own
    // (`? ` then a block scalar): PyYAML may or may not get there. Construction comes last.
    const load =
      quirk.load.kind === 'unpredictable' && reading.load.kind === 'raises' && failsAfterReading(reading.load)
        ? reading.load
        : quirk.load;
    const problems = load === reading.load ? reading.problems : withoutNotAMapping(reading.problems);
    return withFailure({ ...reading, load, problems: [...problems, quirk.problem] }, scannerFailure);
  }
  return withFailure(reading, scannerFailure);
}

/** The reading up to a quoted scalar PyYAML reads further than the `yaml` package: not modelled past it. */
function unmodelledQuotedScalar(reading: YamlReading, quoted: { start: number; end: number }): YamlReading {
  const span = { start: quoted.start, end: quoted.end };
  const reason =
    'PyYAML (which oslo.policy uses) reads this quoted string on across its unindented lines to the closing quote, other YAML readers end it at the line break; this tool does not model it. Indent the continuation lines';
  return {
    entries: reading.entries.filter((entry) => entry.span.end <= quoted.start),
    problems: [
      ...reading.problems.filter((problem) => problem.span.end <= quoted.start),
      { span, severity: 'warning', code: 'yaml-syntax', message: `${reason}.` },
    ],
    load: { kind: 'unpredictable', reason, span },
    comments: reading.comments,
  };
}

function withFailure(
  reading: YamlReading,
  scannerFailure: { load: LoadBehaviour; problem: SyntaxProblem } | null,
): YamlReading {
  if (scannerFailure && scannerFailsFirst(scannerFailure.load, reading.load)) {
    return {
      ...reading,
      load: scannerFailure.load,
      problems: [...withoutNotAMapping(reading.problems), scannerFailure.problem],
    };
  }
  return reading;
}

/** Whether PyYAML meets what `pyyamlOnlyFailure` found before what the reading found. */
function scannerFailsFirst(failure: LoadBehaviour, reading: LoadBehaviour): boolean {
  if (reading.kind === 'loads' || failure.kind === 'loads') return reading.kind === 'loads';
  // PyYAML's Reader checks every character of a string before scanning any of it.
  if (failure.kind === 'raises' && failure.message.startsWith('unacceptable character')) return true;
  if (failsAfterReading(reading)) return true;
  return failure.span.start <= reading.span.start;
}

function readWhole(text: string): YamlReading {
  const deep = nestingVerdict(text);
  if (deep && deep.levels > YAML_LIBRARY_MAX_LEVELS) {
    return { entries: [], problems: [deep.problem], load: deep.load, comments: [] };
  }
  const read = composeWhole(text);
  if (!deep) return read;
  // PyYAML stops at whichever comes first: a syntax error before the deep part, or the depth.
  const earlier = read.load.kind === 'raises' && read.load.span.start < deep.problem.span.start;
  const load =
    earlier || (read.load.kind === 'raises' && deep.load.kind !== 'raises') ? read.load : deep.load;
  return { ...read, problems: [...read.problems, deep.problem], load };
}

const DASH_IN_FLOW =
  "PyYAML (which oslo.policy uses) reads a '-' right before ',', ']' or '}' as the string '-', other YAML readers as an empty list; this tool does not model it. Quote it: '-'";

/** A `-` followed by a flow indicator (`[-]`, `{a: -}`): a plain scalar to PyYAML, a block sequence to the `yaml` package. */
function dashBeforeFlowIndicator(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== 0x2d /* - */) return false;
  const next = text[at + 1];
  return next === ',' || next === ']' || next === '}';
}

/** A message of the `yaml` package with its "at line L, column C" counted in `text` itself (see `forYamlPackage`). */
function atLine(message: string, text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < lineStart; at = text.indexOf('\n', at + 1)) line++;
  return message.replace(/ at line \d+, column \d+/, ` at line ${line}, column ${offset - lineStart + 1}`);
}

/** The `yaml` package's complaint about a line of `[...]` or `{...}` that starts at column 0. */
const FLOW_AT_COLUMN_ZERO = /^Flow (sequence|map) in block collection must be sufficiently indented/;
const FLOW_CONTINUED =
  'A [...] or {...} continued on a line that starts at column 0: PyYAML (which oslo.policy uses) reads flow content whatever its indentation, this tool does not model it. Indent the continuation lines';

/**
 * Whether a `[...]` or `{...}` open at `from` is closed further on (quotes and comments skipped):
 * then PyYAML may well read it all; a collection never closed fails in PyYAML too.
 */
function flowClosesLater(text: string, from: number): boolean {
  let depth = 1;
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (char === '"') {
      index++;
      while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
    } else if (char === "'") {
      index++;
      while (index < text.length && (text[index] !== "'" || text[index + 1] === "'"))
        index += text[index] === "'" ? 2 : 1;
    } else if (char === '#' && (index === from || /\s/.test(text[index - 1]))) {
      const lineEnd = text.indexOf('\n', index);
      if (lineEnd < 0) return false;
      index = lineEnd;
    } else if (char === '[' || char === '{') depth++;
    else if ((char === ']' || char === '}') && --depth === 0) return true;
  }
  return false;
}

const UNSPACED_COMMENT = /^Comments must be separated from other tokens by white space characters/;

const COLLECTION_TAG_ERROR =
  /^(Set items must all have null values|Expected a mapping for this tag|Expected a sequence for this tag|Ordered maps must not include duplicate keys|Each pair must have its own sequence indicator)/;

/** A document of the `yaml` package with no `---`, no content (not even a tag or an anchor) and no error: what a lone `...` makes. */
function documentEndAlone(doc: Document): boolean {
  if (doc.directives?.docStart || doc.errors.length > 0) return false;
  const contents = doc.contents;
  if (contents === null) return true;
  // An empty plain scalar (the failsafe schema makes it '').
  return (
    isScalar(contents) &&
    !contents.anchor &&
    !contents.tag &&
    (contents.value === null || contents.value === '') &&
    contents.range !== undefined &&
    contents.range !== null &&
    contents.range[0] === contents.range[1]
  );
}

function composeWhole(text: string): YamlReading {
  const input = forYamlPackage(text);
  const docs = parseAllDocuments(closedInput(input), PARSE_OPTIONS);
  const problems: SyntaxProblem[] = [];
  let load: LoadBehaviour = { kind: 'loads' };
  // A second `...` makes the package a document of nothing; PyYAML, no document at all.
  const list = (Array.isArray(docs) ? docs : []).filter(
    (doc, index) => index === 0 || !documentEndAlone(doc),
  );
  for (const doc of list) {
    for (const error of doc.errors) {
      // The yaml package may point one past the end of a truncated text: keep spans inside it.
      const start = Math.min(error.pos[0], text.length);
      const span = { start, end: Math.min(Math.max(error.pos[1], start), text.length) };
      if (dashBeforeFlowIndicator(text, start)) {
        // The rest of this document's errors follow from the misreading: not reported.
        problems.push({ span, severity: 'warning', code: 'yaml-syntax', message: `${DASH_IN_FLOW}.` });
        if (load.kind === 'loads') load = { kind: 'unpredictable', reason: DASH_IN_FLOW, span };
        break;
      }
      const firstLine = error.message.split('\n')[0];
      if (
        FLOW_AT_COLUMN_ZERO.test(firstLine) &&
        (start === 0 || text.charCodeAt(start - 1) === 0x0a) &&
        flowClosesLater(text, start)
      ) {
        // PyYAML reads flow content whatever its indentation; the rest follows from the misreading.
        problems.push({ span, severity: 'warning', code: 'yaml-syntax', message: `${FLOW_CONTINUED}.` });
        if (load.kind === 'loads') load = { kind: 'unpredictable', reason: FLOW_CONTINUED, span };
        break;
      }
      // The package's own reading of `!!set`, `!!omap`, `!!pairs`: the node reader judges those tags.
      if (COLLECTION_TAG_ERROR.test(firstLine)) continue;
      // A comment right after `[`, `{` or `,`: PyYAML starts the next token there and reads a
      // comment (`[#c`); the package reads one too, and only complains of the missing blank.
      if (UNSPACED_COMMENT.test(firstLine) && text[start] === '#' && '[{,'.includes(text[start - 1] ?? ' '))
        continue;
      const message = input === text ? firstLine : atLine(firstLine, text, start);
      problems.push({
        span,
        message: `YAML syntax error: ${message}`,
        severity: 'error',
        code: 'yaml-syntax',
      });
      if (load.kind !== 'raises')
        load = { kind: 'raises', exception: 'ValueError', message, span, ...beyondUnicode(text, start) };
    }
  }
  if (list.length > 1) {
    const span = spanOfNode(list[1].contents, text) ?? { start: 0, end: 0 };
    const message = 'expected a single document in the stream, but found another document';
    problems.push({
      span,
      message: `${message}: oslo.policy cannot load this file.`,
      severity: 'error',
      code: 'yaml-syntax',
    });
    if (load.kind !== 'raises') load = { kind: 'raises', exception: 'ValueError', message, span };
  }
  const first = list[0] as Document | undefined;
  if (!first) return { entries: [], problems, load, comments: [] };
  const reader = new YamlNodeReader(text, 0, first, true);
  const contents = first.contents;
  let entries: PolicyEntry[] = [];
  if (isMap(contents)) {
    entries = reader.entriesOf(contents);
    const long = !contents.flow && load.kind === 'loads' ? longKeyFailure(text, entries) : null;
    if (long) {
      load = long.load;
      problems.push(long.problem);
    }
  } else if (contents !== null && load.kind === 'loads') {
    const value = topLevelValue(reader, contents);
    // PyYAML constructs the whole value (and may fail there) before oslo.policy calls .items().
    if (isSeq(contents)) reader.constructAll(contents);
    const construction = anchorFailure(first) ?? readerLoad(reader);
    if (construction.kind !== 'loads') load = construction;
    else if (value && pyTruthy(value)) {
      const failure = notAMapping(value, spanOfNode(contents, text) ?? { start: 0, end: text.length });
      load = failure.load;
      problems.push(failure.problem);
    }
  }
  // PyYAML composes the whole document before constructing any value: its anchor errors come first.
  if (load.kind === 'loads') load = anchorFailure(first) ?? readerLoad(reader);
  return { entries, problems, load, comments: collectComments(text) };
}

/**
 * A `\U` escape past U+10FFFF: PyYAML's scanner calls chr() on it, which raises ValueError, or
 * OverflowError from 0x80000000 on (not a C int); neither is a YAMLError, oslo.policy passes it on.
 */
function beyondUnicode(text: string, at: number): { exception: string; message: string } | null {
  const escape = /^\\U([0-9a-fA-F]{8})/.exec(text.slice(at, at + 10));
  if (!escape) return null;
  const code = parseInt(escape[1], 16);
  if (code <= 0x10ffff) return null;
  return code >= 0x80000000
    ? { exception: 'OverflowError', message: 'Python int too large to convert to C int' }
    : { exception: 'ValueError', message: 'chr() arg not in range(0x110000)' };
}

/**
 * PyYAML forgets a possible simple key once its scanner is more than 1024 characters past the
 * key's start, so a `:` further than that from the start of a block mapping's key is "mapping
 * values are not allowed here" (measured with PyYAML 6.0: a plain key of 1024 characters loads,
 * of 1025 fails, and a quoted one counts its quotes and any spaces before the colon).
 */
const SIMPLE_KEY_REACH = 1024;

/** The first block-mapping key whose colon PyYAML no longer reaches, as a load failure. */
function longKeyFailure(
  text: string,
  entries: readonly PolicyEntry[],
): { load: LoadBehaviour; problem: SyntaxProblem } | null {
  for (const entry of entries) {
    // The length from the entry as first read: asking a moved entry for its place makes it
    // move its spans, 10,000 of them after a keystroke near the top of a big file.
    const read = entryIdentity(entry).keySpan;
    if (read.end - read.start < SIMPLE_KEY_REACH - 8) continue;
    const { start, end } = entry.keySpan;
    let colon = end;
    while (colon < text.length && text.charCodeAt(colon) === 0x20) colon++;
    if (text.charCodeAt(colon) !== 0x3a || colon - start <= SIMPLE_KEY_REACH) continue;
    return raises(
      colon,
      colon + 1,
      'mapping values are not allowed here',
      ` (the key is more than ${SIMPLE_KEY_REACH} characters long, too far for PyYAML to read it as a key)`,
    );
  }
  return null;
}

/**
 * PyYAML's composer refuses an alias to an anchor not seen before it and an anchor defined
 * twice; the `yaml` package resolves the first to nothing and the second to the later node.
 */
function anchorFailure(doc: Document): LoadBehaviour | null {
  const anchors = new Set<string>();
  let failure: LoadBehaviour | null = null;
  const fail = (message: string, range: readonly number[] | null | undefined): typeof visit.BREAK => {
    const span = range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
    failure = { kind: 'raises', exception: 'ValueError', message, span };
    return visit.BREAK;
  };
  visit(doc, {
    Alias(_, node) {
      return anchors.has(node.source)
        ? undefined
        : fail(`found undefined alias '${node.source}'`, node.range);
    },
    Node(_, node) {
      if (!node.anchor) return undefined;
      if (anchors.has(node.anchor)) return fail(`found duplicate anchor '${node.anchor}'`, node.range);
      anchors.add(node.anchor);
      return undefined;
    },
  });
  return failure;
}

function topLevelValue(reader: YamlNodeReader, contents: unknown): PyValue | null {
  if (isScalar(contents)) return reader.scalarValue(contents);
  if (isSeq(contents)) return { t: 'list', items: contents.items.length > 0 ? [pyStr('')] : [] };
  return null;
}

/** Inside `text`, which may have been parsed with a line break added (see `closedInput`). */
function spanOfNode(node: unknown, text: string): Span | null {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return null;
  const [start, end] = rangeInside(range, text.length);
  return { start, end };
}

/** `#` comments at the start of a line or after a blank, outside quoted scalars (for conversions). */
function collectComments(text: string): [number, number][] {
  const comments: [number, number][] = [];
  if (text.indexOf('#') < 0) return comments;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '\x02' || token === '\x18' || token === '\x1f') continue;
    if (CST.tokenType(token) === 'comment') comments.push([offset, offset + token.length]);
    offset += token.length;
  }
  return comments;
}

const CONTROL_TOKENS = new Set(['\x02', '\x18', '\x1f']);
// PyYAML's Reader refuses these characters anywhere in the stream.
const NON_PRINTABLE = /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Any character `pyyamlOnlyFailure` reacts to: refused ones, tabs, NEL, LS, PS and BOM. */
const SCANNER_SUSPECT =
  /[^\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Where PyYAML fails but the `yaml` package does not: characters PyYAML's reader refuses, tabs
 * between tokens or inside plain scalars (PyYAML only skips spaces), and the line breaks of YAML
 * 1.1 (NEL, LS, PS), which change where lines end in ways we do not model.
 */
function pyyamlOnlyFailure(text: string): { load: LoadBehaviour; problem: SyntaxProblem } | null {
  const bad = NON_PRINTABLE.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!;
    const span = { start: bad.index, end: bad.index + bad[0].length };
    const hex = code.toString(16).toUpperCase().padStart(4, '0');
    const message = `unacceptable character #x${hex}: special characters are not allowed`;
    return {
      load: { kind: 'raises', exception: 'ValueError', message, span },
      problem: {
        span,
        message: `${message} (PyYAML refuses the whole file).`,
        severity: 'error',
        code: 'yaml-character',
      },
    };
  }
  const tab = text.indexOf('\t') >= 0 ? firstTabBetweenTokens(text) : -1;
  if (tab >= 0) {
    const span = { start: tab, end: tab + 1 };
    const message = "found character '\\t' that cannot start any token";
    return {
      load: { kind: 'raises', exception: 'ValueError', message, span },
      problem: {
        span,
        message: `A tab here is a YAML error for PyYAML (${message}): oslo.policy cannot load this file. Use spaces.`,
        severity: 'error',
        code: 'yaml-tab',
      },
    };
  }
  // The `yaml` package drops a BOM at the start of any line; PyYAML only at the start of the text.
  const bom = /[\n\r]\uFEFF|^\uFEFF\uFEFF/.exec(text);
  if (bom) {
    const at = bom.index + 1;
    const span = { start: at, end: at + 1 };
    const reason =
      'PyYAML reads a byte order mark (U+FEFF) anywhere but at the very start of the file as part of the text, this tool does not model it there';
    return {
      load: { kind: 'unpredictable', reason, span },
      problem: { span, message: `${reason}. Remove it.`, severity: 'warning', code: 'yaml-character' },
    };
  }
  const lineBreak = /[\x85\u2028\u2029]/.exec(text);
  if (lineBreak) {
    const span = { start: lineBreak.index, end: lineBreak.index + 1 };
    const reason = 'PyYAML reads NEL, LS and PS characters as line breaks, which this tool does not model';
    return {
      load: { kind: 'unpredictable', reason, span },
      problem: { span, message: `${reason}.`, severity: 'warning', code: 'yaml-line-break' },
    };
  }
  return null;
}

function firstTabBetweenTokens(text: string): number {
  let offset = 0;
  let afterScalarMarker = false;
  let inBlockScalar = false;
  for (const token of new Lexer().lex(text)) {
    if (CONTROL_TOKENS.has(token)) {
      afterScalarMarker = token === '\x1f';
      continue;
    }
    const type = CST.tokenType(token);
    const tab = token.indexOf('\t');
    if (tab >= 0) {
      const scalarContent = afterScalarMarker && type !== 'comment';
      if (scalarContent ? !inBlockScalar : type === 'space') return offset + tab;
    }
    if (type === 'block-scalar-header') inBlockScalar = true;
    else if (afterScalarMarker) inBlockScalar = false;
    afterScalarMarker = false;
    offset += token.length;
  }
  return -1;
}
