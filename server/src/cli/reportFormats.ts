import { relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Span } from '../core/check/checkTypes';
import type {
  DiagnosticSeverity,
  PolicyDiagnostic,
  RelatedInformation,
} from '../core/features/diagnosticTypes';
import { LineIndex } from '../core/text/lineIndex';
import type { AnalysedFile } from './analyzeFiles';
import { diagnosticRule, diagnosticRules } from './diagnosticRules';

export interface Reported {
  readonly file: AnalysedFile;
  readonly diagnostics: readonly PolicyDiagnostic[];
}

/** One-based line and column (UTF-16 code units, as SARIF's default column kind). */
function region(
  lines: LineIndex,
  span: Span,
): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  const start = lines.position(span.start);
  const end = lines.position(Math.max(span.end, span.start));
  return {
    startLine: start.line + 1,
    startColumn: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
  };
}

/** Line offsets of other files' texts, made once per text (many diagnostics can point into one). */
const otherLines = new Map<string, LineIndex>();

/** Where related information is: in the diagnosed file, or in another (a policy.d layer). */
function relatedPlace(file: AnalysedFile, related: RelatedInformation): { path: string; lines: LineIndex } {
  if (!related.inFile) return { path: file.path, lines: file.lines };
  const { uri, text } = related.inFile;
  let lines = otherLines.get(text);
  if (!lines) otherLines.set(text, (lines = new LineIndex(text)));
  // As the files on the command line are named: relative to the working directory when inside it.
  const absolute = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  const fromHere = relative(resolve('.'), absolute);
  return { path: uri.startsWith('file:') && !fromHere.startsWith('..') ? fromHere : absolute, lines };
}

/** `file:line:col: severity: message [code]`, one line per diagnostic. */
export function textReport(reported: readonly Reported[], out: (line: string) => void): void {
  for (const { file, diagnostics } of reported) {
    for (const diagnostic of diagnostics) {
      const { startLine, startColumn } = region(file.lines, diagnostic.span);
      out(
        `${file.path}:${startLine}:${startColumn}: ${diagnostic.severity}: ${diagnostic.message} [${diagnostic.code}]`,
      );
    }
  }
}

export function jsonReport(
  reported: readonly Reported[],
  counts: Record<DiagnosticSeverity, number>,
): string {
  return JSON.stringify({
    files: reported.map(({ file, diagnostics }) => ({
      path: file.path,
      format: file.analysis.file.document.format,
      namespaces: file.analysis.choice.namespaces,
      release: file.analysis.choice.release,
      diagnostics: diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        ...region(file.lines, d.span),
        related: (d.related ?? []).map((r) => {
          const place = relatedPlace(file, r);
          return {
            message: r.message,
            ...(r.inFile ? { path: place.path } : {}),
            ...region(place.lines, r.span),
          };
        }),
      })),
    })),
    counts,
  });
}

const SARIF_LEVELS: Record<DiagnosticSeverity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: every code a rule in `tool.driver.rules` with
 * help text, results with ruleId, level and a region (1-based line and column), paths relative
 * to the working directory under `%SRCROOT%`.
 */
export function sarifReport(reported: readonly Reported[], version: string): string {
  const root = resolve('.');
  const rules = diagnosticRules();
  const used = new Set(reported.flatMap((r) => r.diagnostics.map((d) => d.code)));
  const allRules = [
    ...rules,
    ...[...used].filter((code) => !rules.some((r) => r.id === code)).map(diagnosticRule),
  ];
  const index = new Map(allRules.map((r, i) => [r.id, i]));
  const artifactUri = (path: string): string => {
    if (path === '-') return 'stdin';
    const relativePath = relative(root, resolve(path));
    return relativePath.startsWith('..')
      ? pathToFileURL(resolve(path)).toString()
      : relativePath.split(sep).join('/');
  };
  const location = (
    file: { path: string; lines: LineIndex },
    span: Span,
    message?: string,
  ): Record<string, unknown> => ({
    physicalLocation: {
      artifactLocation: { uri: artifactUri(file.path), uriBaseId: '%SRCROOT%' },
      region: region(file.lines, span),
    },
    ...(message ? { message: { text: message } } : {}),
  });
  const results = reported.flatMap(({ file, diagnostics }) =>
    diagnostics.map((d) => ({
      ruleId: d.code,
      ruleIndex: index.get(d.code),
      level: SARIF_LEVELS[d.severity],
      message: { text: d.message },
      locations: [location(file, d.span)],
      ...(d.related && d.related.length > 0
        ? {
            relatedLocations: d.related.map((r, i) => ({
              id: i + 1,
              ...location(relatedPlace(file, r), r.span, r.message),
            })),
          }
        : {}),
    })),
  );
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'os-policy',
              version,
              informationUri: 'https://docs.openstack.org/oslo.policy/latest/',
              rules: allRules.map((r) => ({
                id: r.id,
                name: r.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
                shortDescription: { text: r.title },
                fullDescription: { text: r.help },
                help: { text: r.help, markdown: `**${r.title}**\n\n${r.help}` },
                defaultConfiguration: { level: SARIF_LEVELS[r.severity] },
                properties: { tags: ['openstack', 'oslo.policy'] },
              })),
            },
          },
          originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(root + sep).toString() } },
          results,
        },
      ],
    },
    null,
    2,
  );
}
