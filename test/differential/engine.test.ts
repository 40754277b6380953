import assert from 'node:assert/strict';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { compareWithOracle, describeDisagreements } from '../support/compare';
import { CASES_PER_JOB, generateJobs, registeredOf } from '../support/jobs';
import { Random, runSeed } from '../support/random';

const JOBS = Number(process.env.OS_POLICY_DIFF_JOBS ?? 700);

describe('the engine against oslo.policy (generated cases)', function () {
  this.timeout(600_000);

  it(`agrees on ${JOBS * CASES_PER_JOB} generated cases`, () => {
    const seed = runSeed();
    const random = new Random(seed);
    const withNamespaces =
      openBuiltInCatalog()?.get('glance', 'zed') !== null && openBuiltInCatalog() !== null;
    const jobs = generateJobs(random, JOBS, withNamespaces);
    const report = compareWithOracle(jobs, registeredOf);
    process.stderr.write(
      `      seed ${seed}: ${report.cases} cases, ${report.agreed} agreed (${report.raised} of them raise), ` +
        `${report.unknown} not decided (http checks), ${report.disagreements.length} disagreements\n`,
    );
    assert.ok(report.cases >= 10_000, 'at least 10,000 cases per run');
    assert.ok(report.unknown < report.cases * 0.05, 'few cases are left undecided');
    assert.equal(
      report.disagreements.length,
      0,
      `disagreements with oslo.policy (replay with OS_POLICY_SEED=${seed}):\n${describeDisagreements(jobs, report)}`,
    );
  });
});
