import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { DEFAULT_OPTIONS } from '../../server/src/core/engine/effectivePolicy';
import { loadEffectivePolicy, loadPolicyFile } from '../../server/src/core/engine/loadPolicy';
import { PYTHON } from '../support/paths';
import { Random, runSeed } from '../support/random';

/** oslo.policy's `Rules.load` of each text: its rule names in order (the order `check_rules` walks). */
function osloOrders(texts: readonly string[]): string[][] {
  const script = [
    'import json, logging, sys',
    'logging.disable(50)',
    'from oslo_policy import policy',
    'print(json.dumps([list(policy.Rules.load(text).keys()) for text in json.load(sys.stdin)]))',
  ].join('\n');
  const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as string[][];
}

describe('the order of the rules against oslo.policy (generated files with keys written twice)', function () {
  this.timeout(120_000);

  it('keeps each key where the file first writes it, YAML and JSON', () => {
    const seed = runSeed();
    const random = new Random(seed);
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'admin', 'x:y', 'x:z'];
    const texts: string[] = [];
    for (let round = 0; round < 300; round++) {
      const keys = Array.from({ length: random.int(1, 12) }, () => random.pick(names));
      const checks = keys.map((_, index) =>
        random.pick(['role:r', `rule:${random.pick(names)}`, '@', '!', `role:r${index}`]),
      );
      texts.push(
        random.chance(0.5)
          ? keys.map((key, index) => `"${key}": "${checks[index]}"\n`).join('')
          : `{${keys.map((key, index) => `"${key}": "${checks[index]}"`).join(', ')}}`,
      );
    }
    const expected = osloOrders(texts);
    texts.forEach((text, index) => {
      const file = loadPolicyFile(readPolicyDocument(text));
      const policy = loadEffectivePolicy({ files: [file], registered: [], options: DEFAULT_OPTIONS });
      assert.deepEqual([...policy.rules.keys()], expected[index], `seed ${seed}: ${JSON.stringify(text)}`);
    });
  });
});
