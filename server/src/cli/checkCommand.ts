import type { DiagnosticSeverity } from '../core/features/diagnosticTypes';
import { expandPolicyPaths } from '../node/policyLayers';
import { ANALYSIS_FLAGS, ANALYSIS_USAGE, createAnalyser } from './analyzeFiles';
import { parseArgs, single, UsageError } from './args';
import { jsonReport, sarifReport, textReport, type Reported } from './reportFormats';

export const CHECK_USAGE = `os-policy check FILE|DIR... [--format text|json|sarif] [--severity LEVEL] [--fail-on LEVEL] ${ANALYSIS_USAGE}`;

const RANK: Record<DiagnosticSeverity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

export const CLI_VERSION = '0.1.0';

function level(value: string | undefined, fallback: DiagnosticSeverity, flag: string): DiagnosticSeverity {
  if (value === undefined) return fallback;
  if (value in RANK) return value as DiagnosticSeverity;
  throw new UsageError(`--${flag} must be error, warning, information or hint (not '${value}')`);
}

/**
 * `os-policy check`: every diagnostic of the language server (the same analysis, one code
 * path), for each file and each policy file under each folder, policy.d layered as oslo.policy
 * does. Exit status: 0 when nothing at or above `--fail-on` (default error) is reported, 1 when
 * something is, 2 on usage errors (a bad flag, a path that does not exist).
 */
export function checkCommand(argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, {
    ...ANALYSIS_FLAGS,
    format: { takesValue: true },
    severity: { takesValue: true },
    'fail-on': { takesValue: true },
  });
  if (args.positionals.length === 0) throw new UsageError(CHECK_USAGE);
  const format = single(args, 'format') ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format))
    throw new UsageError(`--format must be text, json or sarif (not '${format}')`);
  const threshold = level(single(args, 'severity'), 'hint', 'severity');
  const failOn = level(single(args, 'fail-on'), 'error', 'fail-on');
  const { files, missing, skipped } = expandPolicyPaths(args.positionals);
  for (const { path, kind } of skipped)
    process.stderr.write(`os-policy check: skipped ${path}: ${kind}, not a regular file\n`);
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  if (files.length === 0)
    throw new UsageError(`no policy files (.yaml, .yml, .json) in ${args.positionals.join(', ')}`);
  const analyser = createAnalyser(args);
  const counts: Record<DiagnosticSeverity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  const reported: Reported[] = files.map((path) => {
    const file = analyser.analyseFile(path);
    const diagnostics = file.diagnostics.filter((d) => RANK[d.severity] >= RANK[threshold]);
    for (const d of diagnostics) counts[d.severity]++;
    return { file, diagnostics };
  });
  if (format === 'text') textReport(reported, out);
  else if (format === 'json') out(jsonReport(reported, counts));
  else out(sarifReport(reported, CLI_VERSION));
  const failing = (Object.keys(counts) as DiagnosticSeverity[]).some(
    (severity) => RANK[severity] >= RANK[failOn] && counts[severity] > 0,
  );
  return failing ? 1 : 0;
}
