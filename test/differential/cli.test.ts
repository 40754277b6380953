import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EvalLine } from '../../server/src/cli/evalCommand';
import {
  casesJson,
  compareWithOracle,
  describeDisagreements,
  type DifferentialJob,
} from '../support/compare';
import { generateJobs, registeredOf } from '../support/jobs';
import { repoRoot } from '../support/paths';
import { Random, runSeed } from '../support/random';

const JOBS = 40;

/** One job through the real `os-policy eval` binary: files on disk, flags as a user writes them. */
function runCli(job: DifferentialJob, workdir: string): EvalLine[] {
  const names = Object.keys(job.files);
  for (const name of names) {
    mkdirSync(dirname(join(workdir, name)), { recursive: true });
    writeFileSync(join(workdir, name), job.files[name]);
  }
  writeFileSync(join(workdir, 'cases.json'), casesJson(job));
  const main = names.find((name) => !name.includes('/'))!;
  const dirs = [...new Set(names.filter((name) => name.includes('/')).map((name) => dirname(name)))];
  const args = [join(repoRoot(), 'dist', 'cli.js'), 'eval', '--policy', join(workdir, main)];
  args.push('--cases', join(workdir, 'cases.json'));
  for (const dir of dirs) args.push('--policy-dir', join(workdir, dir));
  for (const namespace of job.namespaces) args.push('--namespace', namespace, '--release', 'zed');
  args.push('--default-rule', job.options.default_rule ?? '');
  if (job.options.enforce_new_defaults) args.push('--enforce-new-defaults');
  if (job.options.enforce_scope) args.push('--enforce-scope');
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(run.status, 0, `os-policy eval exited ${run.status}: ${run.stderr}`);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as EvalLine);
}

describe('the os-policy eval binary against oslo.policy', function () {
  this.timeout(300_000);

  it(`agrees on the cases of ${JOBS} generated policy files, flags and policy.d folders`, () => {
    const seed = runSeed();
    const jobs = generateJobs(new Random(seed), JOBS, true);
    let index = 0;
    const root = mkdtempSync(join(tmpdir(), 'os-policy-cli-diff-'));
    const report = compareWithOracle(jobs, registeredOf, (job) => {
      const lines = runCli(job, join(root, String(index++)));
      assert.deepEqual(
        lines.map((line) => line.i),
        job.cases.map((_, i) => i),
        'one line per case, in order',
      );
      return lines;
    });
    process.stderr.write(
      `      seed ${seed}: ${report.cases} cases through the CLI, ${report.agreed} agreed, ` +
        `${report.unknown} not decided (http checks), ${report.disagreements.length} disagreements\n`,
    );
    assert.equal(
      report.disagreements.length,
      0,
      `replay with OS_POLICY_SEED=${seed}:\n${describeDisagreements(jobs, report)}`,
    );
  });
});
