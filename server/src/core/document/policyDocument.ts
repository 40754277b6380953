import { jsonToPy, parseJsonLocated } from '../python/pyJson';
import { pyTruthy } from '../python/pyTruth';
import type { LoadBehaviour, PolicyDocument, SyntaxProblem } from './documentTypes';
import { jsonEntries } from './jsonDocument';
import { notAMapping } from './notAMapping';
import { readYaml, YamlPieceCache } from './yamlDocument';

/**
 * Reads a policy file as oslo.policy's `parse_file_contents` does: `json.loads` first, and
 * when that fails, `yaml.safe_load`; then `parsed or {}` and `.items()`. Never throws: a broken
 * file yields what could be read, its problems, and what loading it would do to the service.
 */
export function readPolicyDocument(source: string, cache?: YamlPieceCache): PolicyDocument {
  if (source.length > MAX_ANALYSED_LENGTH) return tooLargeDocument(source, source.length);
  const text = withUniversalNewlines(source);
  const json = looksLikeJson(text) ? parseJsonLocated(text) : null;
  if (json?.ok) {
    const root = json.root;
    const problems: SyntaxProblem[] = [];
    let load: LoadBehaviour = { kind: 'loads' };
    if (root.kind !== 'object') {
      const value = jsonToPy(root);
      if (pyTruthy(value)) {
        const failure = notAMapping(value, { start: root.start, end: root.end });
        load = failure.load;
        problems.push(failure.problem);
      }
    }
    return { text, format: 'json', entries: jsonEntries(text, root), problems, load, comments: [] };
  }
  const yaml = readYaml(text, cache);
  const problems = [...yaml.problems];
  if (json && !json.ok && yaml.load.kind === 'raises') {
    // A file meant as JSON: the JSON error says more than the YAML one it falls back to.
    const at = Math.min(json.error.offset, text.length);
    problems.unshift({
      span: { start: at, end: Math.min(at + 1, text.length) },
      message: `Invalid JSON: ${json.error.message}. oslo.policy then tries YAML, which fails too.`,
      severity: 'error',
      code: 'json-syntax',
    });
  }
  const comments = yaml.comments.map(([start, end]) => ({
    span: { start, end },
    text: text.slice(start, end),
  }));
  return { text, format: 'yaml', entries: yaml.entries, problems, load: yaml.load, comments };
}

/**
 * Files beyond this many characters (10 MiB; the largest real policy files are about 100 KB and
 * a 100,000-rule file about 5 MB) are not analysed: reading them would take the editor's
 * server for many seconds and hundreds of MB. They get one clear diagnostic instead.
 */
export const MAX_ANALYSED_LENGTH = 10 * 1024 * 1024;

/**
 * A file not analysed for its size: `size` in characters (an editor's text) or bytes (a file
 * read no further than the limit), null when unknown (a pipe or a device, read up to the limit).
 */
export function tooLargeDocument(text: string, size: number | null): PolicyDocument {
  const span = { start: 0, end: Math.min(1, text.length) };
  const reason = tooLargeReason(size);
  return {
    text,
    // Never 'json' here: that would offer to convert (rewrite) a file that was never read.
    format: 'yaml',
    entries: [],
    problems: [
      {
        span,
        severity: 'warning',
        code: 'file-too-large',
        message: `Not checked: ${reason}. No rule of it is analysed, completed or simulated; oslo.policy itself would still try to load it.`,
      },
    ],
    load: { kind: 'unpredictable', reason, span },
    comments: [],
  };
}

export function tooLargeReason(size: number | null): string {
  const limit = `${MAX_ANALYSED_LENGTH / (1024 * 1024)} MB`;
  return size === null
    ? `the file goes on past the ${limit} this tool analyses`
    : `the file is ${(size / (1024 * 1024)).toFixed(1)} MB, above the ${limit} this tool analyses`;
}

/**
 * oslo.policy reads policy files in Python's text mode, whose universal newlines turn a CR
 * alone into a line feed before json or PyYAML see it (CR LF too, which both read as one break
 * anyway). Replaced one for one, so every offset stays the editor's.
 */
function withUniversalNewlines(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r(?!\n)/g, '\n');
}

/** JSON values start with one of these after JSON whitespace; anything else cannot be JSON. */
function looksLikeJson(text: string): boolean {
  const match = /^[ \t\n\r]*(.)/s.exec(text);
  return match !== null && '{["-0123456789tfnNI'.includes(match[1]);
}

export { YamlPieceCache };
