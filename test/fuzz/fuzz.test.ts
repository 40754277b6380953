import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Span } from '../../server/src/core/check/checkTypes';
import { parseCheckString } from '../../server/src/core/check/checkParser';
import { tokenizeCheckString } from '../../server/src/core/check/checkTokenizer';
import { analyze, DEFAULT_SETTINGS, type PolicyAnalysis } from '../../server/src/core/features/analysis';
import { codeActions, type PolicyCodeAction } from '../../server/src/core/features/codeActions';
import { complete } from '../../server/src/core/features/completion';
import { hover } from '../../server/src/core/features/hover';
import { policyDiagnostics } from '../../server/src/core/features/policyDiagnostics';
import { definition, occurrences, ruleNameAt } from '../../server/src/core/features/references';
import { renameRule } from '../../server/src/core/features/rename';
import { semanticTokens } from '../../server/src/core/features/semanticTokens';
import { documentSymbols, foldingRanges } from '../../server/src/core/features/symbols';
import { parsePythonJson } from '../../server/src/core/python/pyJson';
import { simulateRule } from '../../server/src/core/simulate/simulate';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { applyEdits } from '../../server/src/cli/rewriteCommands';
import { runOracle } from '../support/oracle';
import { decisionCases } from '../support/sameMeaning';
import { anyDocument, checkString, cleanDocument, RUNS } from './generators';

const builtIn = openBuiltInCatalog();
const SETTINGS = { ...DEFAULT_SETTINGS, release: 'zed' };
const CREDS = parsePythonJson('{"roles": ["member", "reader"], "project_id": "p1", "user_id": "u1"}');
const TARGET = parsePythonJson('{"project_id": "p1", "user_id": "u1"}');

function analyse(text: string, json = false): PolicyAnalysis {
  return analyze({
    uri: `file:///etc/cinder/policy.${json ? 'json' : 'yaml'}`,
    version: 1,
    text,
    settings: SETTINGS,
    catalogs: { builtIn, custom: [] },
  });
}

/**
 * Results with PyYAML's pointer to the offending place (`in "<unicode string>", line L, column C:`,
 * then the quoted line and a caret) left out of their error messages: a file that does not load
 * before a rename does not load after it, with the same error, but the quoted line shows the new
 * name, and a rename that writes one rule as several moves the lines below it.
 */
function withoutQuotedLines<T>(results: T): T {
  return JSON.parse(
    JSON.stringify(results, (_key, value: unknown) =>
      typeof value === 'string' && value.includes('\n')
        ? value
            .split('\n')
            .filter(
              (line) =>
                !line.startsWith('    ') && !/^ {2}in "<unicode string>", line \d+, column \d+:$/.test(line),
            )
            .join('\n')
        : value,
    ),
  ) as T;
}

function assertInside(span: Span, length: number, what: string): void {
  assert.ok(
    span.start >= 0 && span.start <= span.end && span.end <= length,
    `${what} ${JSON.stringify(span)} outside 0..${length}`,
  );
}

/** Runs every editor feature at every sampled offset; returns the code actions seen. */
function exerciseEverything(text: string, offsets: readonly number[]): PolicyCodeAction[] {
  const analysis = analyse(text, text.trimStart().startsWith('{'));
  const length = text.length;
  const diagnostics = policyDiagnostics(analysis);
  for (const d of diagnostics) {
    assertInside(d.span, length, `diagnostic ${d.code}`);
    for (const r of d.related ?? []) assertInside(r.span, length, `related of ${d.code}`);
  }
  for (const token of semanticTokens(analysis)) assertInside(token.span, length, `token ${token.type}`);
  for (const symbol of documentSymbols(analysis)) {
    assertInside(symbol.span, length, 'symbol');
    assertInside(symbol.selection, length, 'symbol selection');
  }
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const range of foldingRanges(analysis))
    assert.ok(range.startLine <= range.endLine && range.endLine < lineCount);
  const actions: PolicyCodeAction[] = [];
  for (const raw of offsets) {
    const offset = Math.min(length, Math.floor(raw * (length + 1)));
    for (const item of complete(analysis, offset))
      assertInside(item.range, length, `completion ${item.label}`);
    const shown = hover(analysis, offset);
    if (shown) assertInside(shown.span, length, 'hover');
    const found = definition(analysis, offset);
    if (found?.kind === 'file') assertInside(found.span, length, 'definition');
    const at = ruleNameAt(analysis, offset);
    if (at) for (const o of occurrences(analysis, at.name)) assertInside(o.span, length, 'occurrence');
    const renamed = renameRule(analysis, offset, 'renamed_rule');
    for (const e of renamed?.ok ? renamed.edits : []) assertInside(e.span, length, 'rename edit');
    for (const action of codeActions(analysis, { start: offset, end: offset }, diagnostics)) {
      for (const e of action.edits) assertInside(e.span, length, `edit of ${action.title}`);
      actions.push(action);
    }
  }
  for (const { entry } of analysis.file.entries) {
    if (entry.name !== null) simulateRule(analysis.policy, entry.name, CREDS, TARGET);
  }
  return actions;
}

describe(`fuzzing (${RUNS} cases per property; FUZZ_RUNS raises it)`, function () {
  this.timeout(600_000);

  it('the check-string parser never throws and keeps every span inside the string', () => {
    fc.assert(
      fc.property(fc.oneof(checkString, fc.string({ maxLength: 40 })), (text) => {
        const parsed = parseCheckString(text);
        for (const problem of parsed.problems) assertInside(problem.span, text.length, problem.code);
        for (const token of tokenizeCheckString(text).tokens) assertInside(token.span, text.length, 'token');
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('every editor feature answers any document at any cursor without throwing, inside the document', () => {
    fc.assert(
      fc.property(
        anyDocument,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (text, offsets) => {
          exerciseEverything(text, offsets);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('quick fixes that keep the meaning leave oslo.policy deciding every rule as before', () => {
    const MEANING_PRESERVING =
      /^(Rename to |Remove the redundant|Remove all redundant|Upgrade all deprecated|Rewrite the check string|Convert this JSON)/;
    const pairs: {
      before: string;
      beforeName: string;
      after: string;
      afterName: string;
      title: string;
      names: string[];
    }[] = [];
    fc.assert(
      fc.property(cleanDocument, (doc) => {
        const analysis = analyse(doc.text, doc.format === 'json');
        const diagnostics = policyDiagnostics(analysis);
        // The registered policies the file touches (what the service enforces), and a few others.
        const inFile = new Set(analysis.byName.keys());
        const names = [...analysis.registered.values()]
          .filter(
            (r) =>
              inFile.has(r.name) ||
              (r.deprecated_rule && inFile.has(r.deprecated_rule.name)) ||
              ['context_is_admin', 'admin_api', 'volume:get', 'volume:create'].includes(r.name),
          )
          .map((r) => r.name);
        for (const action of codeActions(analysis, { start: 0, end: doc.text.length }, diagnostics)) {
          if (!MEANING_PRESERVING.test(action.title)) continue;
          const after = action.createFile ? action.createFile.content : applyEdits(doc.text, action.edits);
          const fileName = doc.format === 'json' ? 'policy.json' : 'policy.yaml';
          pairs.push({
            before: doc.text,
            beforeName: fileName,
            after,
            afterName: action.createFile ? 'policy.yaml' : fileName,
            title: action.title,
            names,
          });
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(pairs.length > 0, 'no meaning-preserving fix was generated');
    // One oracle run for all pairs: a Python start and Cinder's registration cost about a second.
    const checked = pairs.slice(0, RUNS);
    const jobs = checked.flatMap((pair) => {
      const cases = decisionCases(pair.names);
      return [
        { files: { [pair.beforeName]: pair.before }, namespaces: ['cinder'], cases },
        { files: { [pair.afterName]: pair.after }, namespaces: ['cinder'], cases },
      ];
    });
    const results = runOracle(jobs);
    checked.forEach((pair, index) => {
      const [before, after] = [results[2 * index], results[2 * index + 1]];
      const context = `${pair.title}\n--- before\n${pair.before}\n--- after\n${pair.after}`;
      if (before.load_error === null) assert.equal(after.load_error, null, context);
      assert.deepEqual(withoutQuotedLines(after.results), withoutQuotedLines(before.results), context);
    });
    process.stdout.write(`      (${checked.length} quick-fix edits checked against oslo.policy)\n`);
  });
});
