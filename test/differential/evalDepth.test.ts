import assert from 'node:assert/strict';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { loadEffectivePolicy, loadPolicyFile } from '../../server/src/core/engine/loadPolicy';
import { parsePythonJson } from '../../server/src/core/python/pyJson';
import { Simulator } from '../../server/src/core/simulate/simulate';
import {
  compareWithOracle,
  decideOurs,
  describeDisagreements,
  type DifferentialJob,
} from '../support/compare';
import { registeredOf } from '../support/jobs';
import { runOracle } from '../support/oracle';
import { Random, runSeed } from '../support/random';

/**
 * Evaluation past Python's recursion limit. oslo.policy recurses once per rule hop and and/or/not
 * level; the limit is first crossed inside `inspect.getfullargspec`, which re-raises it as
 * `TypeError: unsupported callable`. A rule that refers to itself recurses forever, so every
 * service raises, however deep its own stack; a finite chain near the limit depends on it.
 */
const OPTIONS = { default_rule: 'default', enforce_new_defaults: false, enforce_scope: false };
const NAMES = ['r0', 'r1', 'r2', 'r3'];
const ROLES = [[], ['a'], ['b'], ['a', 'b']];

/** Rules that refer to each other, some of them in cycles that short-circuiting may avoid. */
function cyclicPolicy(random: Random): string {
  const names = NAMES.slice(0, random.int(1, NAMES.length));
  const leaf = (): string =>
    random.pick([
      `rule:${random.pick(names)}`,
      `rule:${random.pick(names)}`,
      `not rule:${random.pick(names)}`,
      'role:a',
      'role:b',
      '@',
      '!',
      'rule:missing',
    ]);
  return names
    .map((name) => {
      const parts = Array.from({ length: random.int(1, 3) }, leaf);
      let text = parts[0];
      for (const part of parts.slice(1)) text += ` ${random.pick(['and', 'or'])} ${part}`;
      return `${name}: "${text}"\n`;
    })
    .join('');
}

/** `y0` → `y1` → … → `y<n>`, the last one a leaf check. */
function chain(n: number, leaf: string): string {
  const lines = Array.from({ length: n }, (_, i) => `y${i}: "rule:y${i + 1}"`);
  return `${lines.join('\n')}\ny${n}: "${leaf}"\n`;
}

describe('evaluation past the recursion limit, against oslo.policy', function () {
  this.timeout(300_000);

  it('decides rules that refer to themselves as oslo.policy does, with no answer left open', () => {
    const seed = runSeed();
    const random = new Random(seed);
    const jobs: DifferentialJob[] = Array.from({ length: 150 }, () => ({
      files: { 'policy.yaml': cyclicPolicy(random) },
      namespaces: [],
      options: OPTIONS,
      cases: NAMES.flatMap((rule) => ROLES.map((roles) => ({ rule, creds: { roles }, target: {} }))),
    }));
    const report = compareWithOracle(jobs, registeredOf);
    process.stderr.write(
      `      seed ${seed}: ${report.cases} cases, ${report.raised} raise, ${report.unknown} not decided\n`,
    );
    // Evaluation here either stops a few levels down or never stops: nothing depends on the stack.
    assert.equal(report.unknown, 0);
    assert.ok(report.raised > report.cases / 20, 'cycles are reached');
    assert.equal(
      report.disagreements.length,
      0,
      `replay with OS_POLICY_SEED=${seed}:\n${describeDisagreements(jobs, report)}`,
    );
  });

  it('raises where a chain of rules reaches the limit, and agrees with the simulator', () => {
    const jobs: DifferentialJob[] = [];
    for (let n = 320; n <= 334; n++) {
      for (const leaf of ['@', 'role:a', 'not @', 'a.b:x']) {
        jobs.push({
          files: { 'policy.yaml': chain(n, leaf) },
          namespaces: [],
          options: OPTIONS,
          cases: [
            { rule: 'y0', creds: { roles: ['a'], a: { b: 'x' } }, target: {} },
            { check: 'rule:y0', creds: { roles: ['a'] }, target: {} },
            { check: `${'not '.repeat(n)}@`, creds: {}, target: {} },
          ],
        });
      }
    }
    const theirs = runOracle(jobs);
    let raised = 0;
    jobs.forEach((job, index) => {
      decideOurs(job, registeredOf).forEach((ours, at) => {
        const reference = theirs[index].results[at];
        if ('unknown' in ours && ours.unknown !== undefined) return;
        const where = `${JSON.stringify(job.cases[at]).slice(0, 60)} with ${job.files['policy.yaml'].slice(-30)}`;
        assert.deepEqual(
          [ours.result, ours.error?.split(':')[0] ?? null],
          [reference.result, reference.error?.split(':')[0] ?? null],
          where,
        );
        if (ours.error !== null) raised++;
      });
    });
    assert.ok(raised >= 40, `the deepest chains raise (${raised})`);

    // The simulator, with the target left open, gives the same answer for `y0`.
    jobs.forEach((job, index) => {
      const policy = loadEffectivePolicy({
        files: [loadPolicyFile(readPolicyDocument(job.files['policy.yaml']))],
        registered: [],
        options: { defaultRule: 'default', enforceNewDefaults: false, enforceScope: false },
      });
      const simulation = new Simulator(policy)
        .forCreds(parsePythonJson(JSON.stringify(job.cases[0].creds)))
        .rule('y0', { trace: false });
      const reference = theirs[index].results[0];
      if (simulation.verdict === 'unknown') return;
      const expected = reference.error ? 'error' : reference.result ? 'allowed' : 'denied';
      assert.equal(
        simulation.verdict,
        expected,
        `${job.files['policy.yaml'].slice(-40)}: ${simulation.reason}`,
      );
    });
  });
});
