import type { TextEdit } from '../core/features/codeActions';
import { upgradeAllNames } from '../core/features/codeActions';
import { convertJsonToYaml } from '../core/features/convertJson';
import { removeEntries } from '../core/features/entryEdits';
import { writeFileAtomically } from '../node/atomicWrite';
import { ANALYSIS_FLAGS, ANALYSIS_USAGE, createAnalyser, type AnalysedFile } from './analyzeFiles';
import { parseArgs, single, UsageError, type ParsedArgs } from './args';

export const CONVERT_USAGE = `os-policy convert FILE.json [--output FILE.yaml] ${ANALYSIS_USAGE}`;
export const UPGRADE_USAGE = `os-policy upgrade FILE [--write | --output FILE] ${ANALYSIS_USAGE}`;
export const REDUNDANT_USAGE = `os-policy redundant FILE [--remove [--write | --output FILE]] ${ANALYSIS_USAGE}`;

const OUTPUT_FLAGS = { output: { takesValue: true }, write: { takesValue: false } } as const;

/** Applies non-overlapping edits (the quick fixes' own edits) from the end of the text backwards. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let result = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.span.end > limit) throw new Error('overlapping edits');
    result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
    limit = edit.span.start;
  }
  return result;
}

/** The one FILE of a rewrite command, refused when it could not be read: its rewrite would be empty. */
function onlyFile(args: ParsedArgs, usage: string): AnalysedFile {
  if (args.positionals.length !== 1) throw new UsageError(usage);
  const file = createAnalyser(args).analyseFile(args.positionals[0]);
  if (file.readFailure !== null) throw new UsageError(`cannot read ${file.path}: ${file.readFailure}`);
  return file;
}

/** Prints the result, or writes it to `--output` or back to the file (`--write`). */
function emit(args: ParsedArgs, file: AnalysedFile, text: string, out: (line: string) => void): void {
  const output = single(args, 'output') ?? (args.switches.has('write') ? file.path : undefined);
  if (args.switches.has('write') && single(args, 'output'))
    throw new UsageError('--write and --output exclude each other');
  if (output === '-' || output === undefined) out(text.replace(/\n$/, ''));
  else writeOutput(output, text);
}

/**
 * An output that cannot be written (a folder, a missing folder, no permission): one line, exit 2.
 * Replaced atomically: a service reloading the file mid-write would otherwise read half of it.
 */
function writeOutput(path: string, text: string): void {
  try {
    writeFileAtomically(path, text);
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

/** `os-policy convert`: policy.json → policy.yaml with the code of the editor's quick fix. */
export function convertCommand(argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, { ...ANALYSIS_FLAGS, output: OUTPUT_FLAGS.output });
  const file = onlyFile(args, CONVERT_USAGE);
  if (file.analysis.file.document.format !== 'json')
    throw new UsageError(`${file.path} is not a JSON policy file (json.loads refuses it)`);
  // A file oslo.policy cannot load (a top-level list, a rule that is `Infinity` or `1`) denies
  // every request; its YAML copy would load (`Infinity` is a string there) and decide otherwise.
  const failure = file.analysis.file.failure;
  if (failure) {
    const why = failure.kind === 'raises' ? `${failure.exception}: ${failure.message}` : failure.reason;
    throw new UsageError(
      `cannot convert ${file.path}: oslo.policy cannot load it (${why}); a YAML copy would not mean the same`,
    );
  }
  emit(args, file, convertJsonToYaml(file.analysis), out);
  return 0;
}

/** `os-policy upgrade`: deprecated names → their replacements, as `oslopolicy-upgrade` (the "upgrade all" fix). */
export function upgradeCommand(argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, { ...ANALYSIS_FLAGS, ...OUTPUT_FLAGS });
  const file = onlyFile(args, UPGRADE_USAGE);
  emit(args, file, applyEdits(file.text, upgradeAllNames(file.analysis)), out);
  return 0;
}

/**
 * `os-policy redundant`: the overrides equal to their registered default, as
 * `oslopolicy-list-redundant` lists them (exit 1 when there are some, for CI); with `--remove`
 * the file without them (the "remove all redundant overrides" fix).
 */
export function redundantCommand(argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, { ...ANALYSIS_FLAGS, ...OUTPUT_FLAGS, remove: { takesValue: false } });
  const file = onlyFile(args, REDUNDANT_USAGE);
  const redundant = file.diagnostics.filter((d) => d.code === 'redundant-override');
  if (args.switches.has('remove')) {
    emit(
      args,
      file,
      applyEdits(
        file.text,
        removeEntries(
          file.analysis,
          redundant.map((d) => d.span),
        ),
      ),
      out,
    );
    return 0;
  }
  if (args.switches.has('write') || single(args, 'output'))
    throw new UsageError('--write and --output go with --remove');
  for (const diagnostic of redundant) {
    const entry = file.analysis.entryAt(diagnostic.span.start);
    const { line, character } = file.lines.position(diagnostic.span.start);
    const value = entry?.entry.value;
    const check =
      value?.kind === 'string' ? value.text : file.text.slice(value?.span.start ?? 0, value?.span.end ?? 0);
    out(
      `${file.path}:${line + 1}:${character + 1}: ${JSON.stringify(entry?.entry.name ?? '')}: ${JSON.stringify(check)}`,
    );
  }
  return redundant.length > 0 ? 1 : 0;
}
