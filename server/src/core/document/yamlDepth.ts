import { Parser, type CST } from 'yaml';
import type { Span } from '../check/checkTypes';
import {
  judgeDepth,
  PYTHON_RECURSION_LIMIT,
  RECURSION_MESSAGE,
  SERVICE_STACK_ALLOWANCE,
  unpredictableDepthReason,
} from '../engine/recursionLimit';
import type { LoadBehaviour, SyntaxProblem } from './documentTypes';

/**
 * PyYAML's composer recurses twice per level of nested collections (`compose_node`, then
 * `compose_sequence_node` or `compose_mapping_node`), so a deep file raises RecursionError
 * before oslo.policy sees a rule. Measured with python3-yaml 6.0 under oslo.policy 4.0.0's
 * `load_rules()` from a shallow caller: a flow sequence loads at 490 levels (the top-level
 * mapping counting one) and raises at 491; flow mappings, block sequences and block mappings
 * raise two levels earlier. The constant is the flow sequence's, so that "raises" is certain
 * for every shape and the shapes that raise sooner fall in the band judged unpredictable.
 */
export const YAML_UNITS_PER_LEVEL = 2;
export const YAML_BASE_UNITS = 18;

/**
 * Beyond this many levels the `yaml` package is not asked to compose the text at all: it
 * recurses per level too, in the server it ran out of stack around 1,000 levels (and reported
 * that as a syntax error), and around 5,000 Node aborted (a fatal out-of-memory in V8's regexp
 * compiler near the stack limit) instead of throwing. PyYAML certainly raises from 491 on.
 */
export const YAML_LIBRARY_MAX_LEVELS = 600;

/**
 * The `yaml` package's parser (text to syntax tree, no composing) recurses per level of block
 * collections, not of flow ones: 4,000 levels passed with 3,000 frames of margin, 8,000 ran out
 * of stack. Deeper texts are judged from their lines alone.
 */
export const YAML_PARSER_MAX_BLOCK_LEVELS = 4000;

/**
 * A cheap upper bound of the nesting, without parsing: the block levels are bounded by how the
 * lines start (see `blockNestingBound`), and below them only flow collections nest, each level
 * with a bracket of its own or a pair inside a flow sequence (`[a: [b: x]]`), two levels per
 * bracket at most. Policy files have few brackets and shallow lines, so they are not parsed for
 * their depth.
 */
export function nestingUpperBound(text: string, block = blockNestingBound(text)): number {
  let brackets = 0;
  for (let index = text.indexOf('['); index >= 0; index = text.indexOf('[', index + 1)) brackets++;
  for (let index = text.indexOf('{'); index >= 0; index = text.indexOf('{', index + 1)) brackets++;
  return block.levels + 2 * brackets;
}

/** Levels below this bound are safe whatever the service's stack: not worth an exact count. */
const SAFE_LEVELS = Math.floor(
  (PYTHON_RECURSION_LIMIT - SERVICE_STACK_ALLOWANCE - YAML_BASE_UNITS) / YAML_UNITS_PER_LEVEL,
);

/** Whether the text may nest deeply enough to need `nestingVerdict` (one pass, no parsing). */
export function mayNestDeeply(text: string): boolean {
  return nestingUpperBound(text) > SAFE_LEVELS;
}

export interface NestingVerdict {
  readonly levels: number;
  readonly load: LoadBehaviour;
  readonly problem: SyntaxProblem;
}

/**
 * What PyYAML's recursion does to this text: null when it loads whatever the caller's stack
 * (nearly every file, found by `nestingUpperBound` alone), else the load behaviour and the
 * problem to report.
 */
export function nestingVerdict(text: string): NestingVerdict | null {
  const block = blockNestingBound(text);
  if (nestingUpperBound(text, block) <= SAFE_LEVELS) return null;
  if (block.levels > YAML_PARSER_MAX_BLOCK_LEVELS) {
    // The `yaml` package's parser recurses per block level: past this it may not be asked.
    const span: Span = { start: block.at, end: Math.min(block.at + 1, text.length) };
    const reason =
      `This line starts ${block.column} columns in (indentation and block indicators), so the YAML ` +
      `may nest up to ${block.levels} levels deep, more than this tool reads: PyYAML raises ` +
      `RecursionError past about 490 levels, and none of the file is analysed here`;
    return {
      levels: block.levels,
      load: { kind: 'unpredictable', reason, span },
      problem: { span, severity: 'warning', code: 'load-failure', message: `${reason}.` },
    };
  }
  const { levels, at } = deepestNesting(text);
  const verdict = judgeDepth(levels * YAML_UNITS_PER_LEVEL + YAML_BASE_UNITS);
  if (verdict === 'safe') return null;
  const span: Span = { start: at, end: Math.min(at + 1, text.length) };
  if (verdict === 'raises') {
    return {
      levels,
      load: { kind: 'raises', exception: 'RecursionError', message: RECURSION_MESSAGE, span },
      problem: {
        span,
        severity: 'error',
        code: 'load-failure',
        message:
          `The YAML nests ${levels} levels deep: PyYAML composes each level recursively and raises ` +
          `RecursionError (${RECURSION_MESSAGE}), so oslo.policy cannot load this file.`,
      },
    };
  }
  const reason = unpredictableDepthReason(`The YAML (${levels} levels of collections)`);
  return {
    levels,
    load: { kind: 'unpredictable', reason, span },
    problem: { span, severity: 'warning', code: 'load-failure', message: `${reason}.` },
  };
}

/**
 * The deepest nesting of collections in the text and where its innermost collection starts,
 * from the `yaml` package's concrete syntax tree, which it builds without recursion; walked
 * here with a stack of our own for the same reason.
 */
export function deepestNesting(text: string): { levels: number; at: number } {
  let levels = 0;
  let at = 0;
  const pending: { token: CST.Token; depth: number }[] = [];
  for (const token of new Parser().parse(text)) pending.push({ token, depth: 0 });
  while (pending.length > 0) {
    const { token, depth } = pending.pop()!;
    if (token.type === 'document') {
      if (token.value) pending.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')
      continue;
    const level = depth + 1;
    if (level > levels) {
      levels = level;
      at = token.offset;
    }
    const inFlowSequence = token.type === 'flow-collection' && token.start.source === '[';
    for (const item of token.items) {
      // `[a: b]`: PyYAML makes each such entry a mapping of one pair, a level of its own.
      const pairLevel =
        inFlowSequence && item.sep?.some((part) => part.type === 'map-value-ind') ? level + 1 : level;
      if (pairLevel > levels) {
        levels = pairLevel;
        at = token.offset;
      }
      const key = 'key' in item ? item.key : null;
      if (key) pending.push({ token: key, depth: pairLevel });
      if (item.value) pending.push({ token: item.value, depth: pairLevel });
    }
  }
  return { levels, at };
}

/**
 * An upper bound of the block nesting, from the lines alone: a block collection starts on a
 * line after nothing but spaces and the indicators `- `, `? ` and `: ` (`- - x`, `? - x`).
 * Each indicator opens one level at most, and each column of indentation two (a mapping, and
 * a sequence written at its key's indentation), so the levels are at most twice the spaces
 * plus the indicators of the longest such start of a line, plus one.
 */
const LINE_BREAK = /[\n\r\x85\u2028\u2029]/g;

export function blockNestingBound(text: string): { levels: number; column: number; at: number } {
  let bound = 0;
  let column = 0;
  let at = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let index = lineStart;
    let levels = 1;
    for (;;) {
      const code = text.charCodeAt(index);
      if (code === 0x20) {
        levels += 2;
        index++;
      } else if ((code === 0x2d || code === 0x3f || code === 0x3a) && text.charCodeAt(index + 1) === 0x20) {
        levels++;
        index += 2;
      } else break;
    }
    if (levels > bound) {
      bound = levels;
      column = index - lineStart;
      at = lineStart;
    }
    // Any of PyYAML's line breaks ends a line (CR alone, NEL, LS, PS included): a bound must not
    // take two lines for one.
    LINE_BREAK.lastIndex = index;
    const next = LINE_BREAK.exec(text);
    if (next === null) break;
    lineStart = next.index + 1;
  }
  return { levels: bound, column, at };
}
