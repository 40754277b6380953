import assert from 'node:assert/strict';
import type { RegisteredRule } from '../../server/src/core/catalog/catalogTypes';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { compareWithOracle, describeDisagreements, type DifferentialJob } from '../support/compare';
import { checkString, credentials, policyFile, target } from '../support/generate';
import { Random, runSeed } from '../support/random';

const JOBS = Number(process.env.OS_POLICY_DIFF_JOBS ?? 700);
const CASES_PER_JOB = 16;

function registeredOf(namespace: string): RegisteredRule[] {
  const catalog = openBuiltInCatalog();
  const found = catalog?.get(namespace, 'zed');
  if (!found) throw new Error(`the zed catalog has no ${namespace}`);
  return [...found.rules];
}

function generateJobs(random: Random, count: number, withNamespaces: boolean): DifferentialJob[] {
  const glanceNames = withNamespaces ? registeredOf('glance').map((rule) => rule.name) : [];
  return Array.from({ length: count }, () => {
    const useGlance = withNamespaces && random.chance(0.3);
    const format = random.chance(0.3) ? 'json' : 'yaml';
    const main = policyFile(random, format, useGlance ? glanceNames.slice(0, 12) : []);
    const files: Record<string, string> = { [format === 'json' ? 'policy.json' : 'policy.yaml']: main.text };
    if (random.chance(0.1)) files['policy.d/10-extra.yaml'] = policyFile(random, 'yaml').text;
    const names = [...main.names, 'missing_rule', ...(useGlance ? random.subset(glanceNames, 0.1) : [])];
    const cases = Array.from({ length: CASES_PER_JOB }, () => {
      const base = { creds: credentials(random), target: target(random) };
      return random.chance(0.5)
        ? { rule: random.pick(names), ...base }
        : { check: checkString(random, names), ...base };
    });
    return {
      files,
      namespaces: useGlance ? ['glance'] : [],
      options: {
        default_rule: random.pick(['default', 'default', null, 'missing', 'admin_required']),
        enforce_new_defaults: random.chance(0.3),
        enforce_scope: random.chance(0.3),
      },
      cases,
    };
  });
}

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
