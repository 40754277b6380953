import { evaluateCases, type EvalLine } from '../../server/src/cli/evalCommand';
import type { RegisteredRule } from '../../server/src/core/catalog/catalogTypes';
import { releaseBehaviour } from '../../server/src/core/catalog/releases';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import type { PolicyOptions } from '../../server/src/core/engine/effectivePolicy';
import { loadEffectivePolicy, loadPolicyFile } from '../../server/src/core/engine/loadPolicy';
import { parsePythonJson } from '../../server/src/core/python/pyJson';
import { rawJsonText, type RawJson } from './generate';
import { runOracle, type OracleResult } from './oracle';

/** A job for both sides: the same files, options and cases (kept as exact JSON text). */
export interface DifferentialJob {
  readonly files: Record<string, string>;
  readonly namespaces: readonly string[];
  readonly options: { default_rule: string | null; enforce_new_defaults: boolean; enforce_scope: boolean };
  readonly cases: readonly { rule?: string; check?: string; creds: RawJson; target: RawJson }[];
}

export interface Disagreement {
  readonly job: number;
  readonly case: number;
  readonly ours: EvalLine;
  readonly theirs: OracleResult;
}

export interface ComparisonReport {
  readonly cases: number;
  readonly agreed: number;
  /** Cases this tool refuses to decide (http checks, unpredictable depth), not compared. */
  readonly unknown: number;
  readonly raised: number;
  readonly disagreements: Disagreement[];
}

function caseJson(item: DifferentialJob['cases'][number]): string {
  const head =
    item.rule !== undefined ? `"rule":${JSON.stringify(item.rule)}` : `"check":${JSON.stringify(item.check)}`;
  return `{${head},"creds":${rawJsonText(item.creds)},"target":${rawJsonText(item.target)}}`;
}

/** The oracle's request, written by hand so numbers keep their exact text (`1.0`). */
function requestText(jobs: readonly DifferentialJob[]): string {
  const jobTexts = jobs.map(
    (job) =>
      `{"files":${JSON.stringify(job.files)},"namespaces":${JSON.stringify(job.namespaces)},` +
      `"options":${JSON.stringify(job.options)},"cases":[${job.cases.map(caseJson).join(',')}]}`,
  );
  return `{"jobs":[${jobTexts.join(',')}]}`;
}

/** Our side, through the same function `os-policy eval` uses. */
export function decideOurs(
  job: DifferentialJob,
  registeredOf: (namespace: string) => RegisteredRule[],
): EvalLine[] {
  const names = Object.keys(job.files);
  const main = names.filter((name) => !name.includes('/'));
  const layered = names.filter((name) => name.includes('/')).sort();
  const files = [...main, ...layered].map((name) => loadPolicyFile(readPolicyDocument(job.files[name])));
  const options: PolicyOptions = {
    defaultRule: job.options.default_rule || null,
    enforceNewDefaults: job.options.enforce_new_defaults,
    enforceScope: job.options.enforce_scope,
    scopeMismatchRaises: releaseBehaviour(process.env.OS_POLICY_RELEASE ?? 'zed').scopeMismatchRaises,
    ignoresSystemScope: !releaseBehaviour(process.env.OS_POLICY_RELEASE ?? 'zed').copiesSystemScope,
  };
  const policy = loadEffectivePolicy({ files, registered: job.namespaces.flatMap(registeredOf), options });
  const cases = parsePythonJson(casesJson(job));
  if (cases.t !== 'list') throw new Error('cases must parse to a list');
  return evaluateCases(policy, cases.items);
}

const exceptionName = (error: string): string => error.split(':')[0];

/** The cases of a job as `os-policy eval` reads them from CASES.json. */
export function casesJson(job: DifferentialJob): string {
  return `[${job.cases.map(caseJson).join(',')}]`;
}

/**
 * Both sides on the same jobs. Ours is `decideOurs` (the function `os-policy eval` uses) unless
 * `decide` is given (the CLI itself, for instance).
 */
export function compareWithOracle(
  jobs: readonly DifferentialJob[],
  registeredOf: (namespace: string) => RegisteredRule[],
  decide: (job: DifferentialJob) => EvalLine[] = (job) => decideOurs(job, registeredOf),
): ComparisonReport {
  const theirs = runOracle([], requestText(jobs));
  let cases = 0;
  let agreed = 0;
  let unknown = 0;
  let raised = 0;
  const disagreements: Disagreement[] = [];
  jobs.forEach((job, jobIndex) => {
    const ours = decide(job);
    ours.forEach((line, caseIndex) => {
      cases++;
      const reference = theirs[jobIndex].results[caseIndex];
      if ('unknown' in line && line.unknown !== undefined) {
        unknown++;
        return;
      }
      const same =
        line.result === reference.result &&
        (line.error === null) === (reference.error === null) &&
        (line.error === null || exceptionName(line.error) === exceptionName(reference.error!));
      if (same) {
        agreed++;
        if (line.error !== null) raised++;
      } else disagreements.push({ job: jobIndex, case: caseIndex, ours: line, theirs: reference });
    });
  });
  return { cases, agreed, unknown, raised, disagreements };
}

export function describeDisagreements(
  jobs: readonly DifferentialJob[],
  report: ComparisonReport,
  limit = 8,
): string {
  return report.disagreements
    .slice(0, limit)
    .map((d) => {
      const job = jobs[d.job];
      const item = job.cases[d.case];
      return [
        `job ${d.job} case ${d.case}: ours ${JSON.stringify(d.ours)} vs oslo.policy ${JSON.stringify(d.theirs)}`,
        `  case: ${caseJson(item)}`,
        `  options: ${JSON.stringify(job.options)} namespaces: ${JSON.stringify(job.namespaces)}`,
        ...Object.entries(job.files).map(([name, text]) => `  ${name}:\n${text.replace(/^/gm, '    | ')}`),
      ].join('\n');
    })
    .join('\n');
}
