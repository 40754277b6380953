import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnforcedRule } from '../../server/src/core/check/checkParser';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { DEFAULT_OPTIONS } from '../../server/src/core/engine/effectivePolicy';
import { enforceCheck } from '../../server/src/core/engine/enforce';
import { Evaluator } from '../../server/src/core/engine/evaluator';
import { loadEffectivePolicy, loadPolicyFile } from '../../server/src/core/engine/loadPolicy';
import { fileDiagnostics } from '../../server/src/core/features/diagnostics';
import { parsePythonJson } from '../../server/src/core/python/pyJson';
import { checkString, credentials, policyFile, rawJsonText, target } from '../support/generate';
import { PYTHON, repoRoot } from '../support/paths';
import { Random } from '../support/random';
import { bigPolicyFile } from './bigPolicy';
import { median, timeMs } from './timing';

/**
 * `npm run bench` (engine part): checks parsed and decided per second, and loading plus
 * undefined/cycle checking of a 10,000-rule file, side by side with oslo.policy on the same
 * inputs in the same run. Prints numbers; asserts nothing.
 */
const CHECKS = 20_000;
const RULES = 10_000;
const REPEATS = 7;

function main(): void {
  const random = new Random(20261122);
  const checks = Array.from({ length: CHECKS }, () => checkString(random).replace(/https?:/g, 'role:'));
  const credsRaw = credentials(new Random(7));
  const targetRaw = target(new Random(8));
  const workdir = mkdtempSync(join(tmpdir(), 'os-policy-bench-'));
  const checksPath = join(workdir, 'checks.json');
  writeFileSync(
    checksPath,
    `{"checks":${JSON.stringify(checks)},"creds":${rawJsonText(credsRaw)},"target":${rawJsonText(targetRaw)}}`,
  );
  const policyText = bigPolicyFile(random, RULES);
  const policyPath = join(workdir, 'policy.yaml');
  writeFileSync(policyPath, policyText);
  // The checks refer to the generator's rule names: both sides decide them against this small file.
  const smallText = policyFile(new Random(9), 'yaml').text;
  const smallPath = join(workdir, 'small.yaml');
  writeFileSync(smallPath, smallText);

  // Ours: parse + decide every check, best of REPEATS (same as the Python side).
  const creds = parsePythonJson(rawJsonText(credsRaw));
  const targetValue = parsePythonJson(rawJsonText(targetRaw));
  const policy = loadEffectivePolicy({
    files: [loadPolicyFile(readPolicyDocument(smallText))],
    registered: [],
    options: DEFAULT_OPTIONS,
  });
  const evaluator = new Evaluator();
  let best = Infinity;
  for (let round = 0; round < REPEATS; round++) {
    best = Math.min(
      best,
      timeMs(() => {
        for (const text of checks)
          enforceCheck(policy, evaluator, parseEnforcedRule(text), { creds, target: targetValue });
      }),
    );
  }
  const oursChecksPerSecond = CHECKS / (best / 1000);

  const loadTimes: number[] = [];
  for (let round = 0; round < REPEATS; round++) {
    loadTimes.push(
      timeMs(() => {
        const file = loadPolicyFile(readPolicyDocument(policyText));
        const loaded = loadEffectivePolicy({ files: [file], registered: [], options: DEFAULT_OPTIONS });
        fileDiagnostics(file, loaded);
      }),
    );
  }

  const oslo = spawnSync(
    PYTHON,
    [join(repoRoot(), 'test', 'bench', 'oslo_bench.py'), checksPath, smallPath, policyPath, String(REPEATS)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  if (oslo.status !== 0) throw new Error(`oslo.policy side failed: ${oslo.stderr}`);
  const theirs = JSON.parse(oslo.stdout) as {
    checks_per_second: number;
    load_ms: number[];
    check_rules_ms: number[];
  };

  const ours = median(loadTimes);
  const theirsLoad = median(theirs.load_ms);
  const rows = [
    ['measure', 'os-policy', 'oslo.policy 4.0.0', 'ratio'],
    [
      `checks parsed+decided per second (${CHECKS} generated checks, best of ${REPEATS}, small policy)`,
      oursChecksPerSecond.toFixed(0),
      theirs.checks_per_second.toFixed(0),
      `${(oursChecksPerSecond / theirs.checks_per_second).toFixed(1)}x`,
    ],
    [
      `load + undefined/cycle check of a ${RULES}-rule file, ms (median of ${REPEATS}; oslo: load_rules() incl. check_rules())`,
      ours.toFixed(1),
      theirsLoad.toFixed(1),
      `${(theirsLoad / ours).toFixed(1)}x`,
    ],
    [`  oslo.policy check_rules() alone, ms`, '', median(theirs.check_rules_ms).toFixed(1), ''],
    [`  file size`, `${(policyText.length / 1e6).toFixed(2)} MB`, '', ''],
  ];
  for (const row of rows)
    process.stdout.write(
      `${row[0].padEnd(110)} ${row[1].padStart(10)} ${row[2].padStart(18)} ${row[3].padStart(8)}\n`,
    );
}

main();
