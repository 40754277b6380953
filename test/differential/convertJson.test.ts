import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, DEFAULT_SETTINGS } from '../../server/src/core/features/analysis';
import { convertJsonToYaml } from '../../server/src/core/features/convertJson';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { runOracle, type OracleJob } from '../support/oracle';
import { credentials, policyFile, target } from '../support/generate';
import { repoRoot } from '../support/paths';
import { Random, runSeed } from '../support/random';

const FILES = Number(process.env.OS_POLICY_CONVERT_FILES ?? 60);
const CASES_PER_FILE = 24;

/** JSON that oslopolicy-convert-json-to-yaml gets wrong: the list form and values with `"`. */
const TRICKY = [
  readFileSync(join(repoRoot(), 'test', 'fixtures', 'workspace', 'nova', 'policy.json'), 'utf8'),
  String.raw`{"a": [["role:admin", "project_id:%(project_id)s"], "role:x"], "b": [["\"True\":%(locked)s"]], "os_compute_api:servers:show": [[]], "c": []}`,
  String.raw`{"a": "role:\"q\" or 'x':%(y)s", "b": "role:caf\u00e9 or role:a\/b", "c": "role:\ud83d\ude00", "d": "rule:a and not rule:b"}`,
  String.raw`{"os_compute_api:os-hosts": "role:member", "os_compute_api:os-hosts:list": "role:reader", "context_is_admin": "role:admin", "admin_api": "is_admin:True"}`,
];

describe('JSON to YAML conversion against oslo.policy', function () {
  this.timeout(600_000);

  it('converts policy.json files to YAML that oslo.policy decides the same way', () => {
    const seed = runSeed();
    const random = new Random(seed);
    const catalog = openBuiltInCatalog();
    const nova = catalog?.get('nova', 'zed');
    assert.ok(nova, 'the zed catalog has nova');
    const novaNames = nova.rules.map((rule) => rule.name);
    const sources = [...TRICKY];
    while (sources.length < FILES)
      sources.push(policyFile(random, 'json', random.subset(novaNames, 0.03)).text);
    const jobs: OracleJob[] = [];
    const converted: string[] = [];
    for (const text of sources) {
      const analysis = analyze({
        uri: 'file:///etc/nova/policy.json',
        version: 1,
        text,
        settings: { ...DEFAULT_SETTINGS, service: 'nova', release: 'zed' },
        catalogs: { builtIn: catalog, custom: [] },
      });
      if (analysis.file.document.format !== 'json') continue;
      const yaml = convertJsonToYaml(analysis);
      converted.push(yaml);
      const names = [
        ...analysis.byName.keys(),
        ...[...analysis.byName.keys()].flatMap((name) =>
          (analysis.replacements.get(name) ?? []).map((r) => r.name),
        ),
      ];
      const cases = Array.from({ length: CASES_PER_FILE }, () => ({
        rule: names.length > 0 ? random.pick(names) : 'default',
        creds: credentials(random),
        target: target(random),
      }));
      const options = { enforce_new_defaults: random.chance(0.3) };
      jobs.push({ files: { 'policy.json': text }, namespaces: ['nova'], options, cases });
      jobs.push({ files: { 'policy.yaml': yaml }, namespaces: ['nova'], options, cases });
    }
    const results = runOracle(jobs);
    const disagreements: string[] = [];
    for (let index = 0; index < results.length; index += 2) {
      const original = results[index];
      const yaml = results[index + 1];
      const same =
        (original.load_error === null) === (yaml.load_error === null) &&
        original.results.every(
          (r, i) =>
            r.result === yaml.results[i].result && (r.error === null) === (yaml.results[i].error === null),
        );
      if (!same && disagreements.length < 5)
        disagreements.push(
          `JSON:\n${jobs[index].files['policy.json']}\nYAML:\n${converted[index / 2]}\n${JSON.stringify([original, yaml]).slice(0, 600)}`,
        );
    }
    process.stderr.write(
      `      seed ${seed}: ${results.length / 2} files, ${(results.length / 2) * CASES_PER_FILE} cases each way\n`,
    );
    assert.equal(
      disagreements.length,
      0,
      `replay with OS_POLICY_SEED=${seed}:\n${disagreements.join('\n\n')}`,
    );
  });
});
