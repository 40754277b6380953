import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { runOracle, type OracleCase, type OracleJob } from '../support/oracle';

/** JSON policy files real oslo.policy cannot load (`Rules.load` raises): every request fails. */
const UNLOADABLE = [
  '["a"]',
  '"role:x"',
  '1',
  'true',
  '{"a": Infinity}',
  '{"a": -Infinity}',
  '{"a": NaN}',
  '{"a": 1e999}',
  '{"a": 1.5e10}',
  '{"a": 1}',
  '{"a": true}',
  '{"a": [Infinity]}',
  '{"b": "role:x", "a": ["role:y", NaN]}',
];

/** JSON policy files that load, with values whose YAML spelling is easy to get wrong. */
const LOADABLE = [
  '{"a": 0e5}',
  '{"a": 0.0e0}',
  '{"a": -0.0}',
  '{"a": 0}',
  '{"a": false}',
  '{"a": null}',
  '{"a": {}}',
  '{"a": {"role:x": 0e5}}',
  '{"a": ["role:x", 0e5]}',
  '{"a": [0e5]}',
  '{"a": [[1e999, "role:x"]]}',
  '{"a": [[NaN]]}',
  '{"a": [{"role:x": 1}]}',
  '{"a": [["role:x", {"role:y": [1.5e-9, -0.0, 12345678901234567890]}]]}',
  '[]',
  'null',
  '0',
  '""',
];

const CASES: OracleCase[] = [
  { rule: 'a', creds: { roles: ['x', 'y'] }, target: {} },
  { rule: 'a', creds: { roles: ['x'] }, target: {} },
  { rule: 'a', creds: { roles: [] }, target: {} },
];

const convert = (text: string): { run: ReturnType<typeof runCli>; output: string | null } => {
  const directory = mkdtempSync(join(tmpdir(), 'os-policy-convert-'));
  writeFileSync(join(directory, 'policy.json'), text);
  const run = runCli(['convert', 'policy.json', '--output', 'policy.yaml'], { cwd: directory });
  const output = join(directory, 'policy.yaml');
  return { run, output: existsSync(output) ? readFileSync(output, 'utf8') : null };
};

describe('os-policy convert keeps what oslo.policy does with the JSON file', function () {
  this.timeout(120_000);

  it('refuses (exit 2, one line, nothing written) every JSON file oslo.policy cannot load', () => {
    const reference = runOracle(UNLOADABLE.map((text) => ({ files: { 'policy.json': text }, cases: CASES })));
    UNLOADABLE.forEach((text, index) => {
      assert.notEqual(reference[index].load_error, null, `oslo.policy loads ${text}`);
      const { run, output } = convert(text);
      assert.equal(run.status, 2, `${text}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /^os-policy convert: cannot convert policy\.json: oslo\.policy cannot load it \((TypeError|AttributeError): [^\n]+\); a YAML copy would not mean the same\n$/,
        text,
      );
      assert.equal(output, null, `${text}: no policy.yaml`);
    });
  });

  it('writes every other JSON file as YAML that oslo.policy decides exactly as the JSON', () => {
    const converted = LOADABLE.map((text) => {
      const { run, output } = convert(text);
      assert.equal(run.status, 0, `${text}: ${run.stderr}`);
      return output!;
    });
    const jobs = LOADABLE.flatMap((text, index): OracleJob[] => [
      { files: { 'policy.json': text }, cases: CASES },
      { files: { 'policy.yaml': converted[index] }, cases: CASES },
    ]);
    const results = runOracle(jobs);
    LOADABLE.forEach((text, index) => {
      const [json, yaml] = [results[2 * index], results[2 * index + 1]];
      assert.equal(json.load_error, null, `oslo.policy loads ${text}`);
      assert.equal(yaml.load_error, null, `${text} → ${converted[index]}`);
      assert.deepEqual(yaml.results, json.results, `${text} → ${converted[index]}`);
    });
    // The case that changed meaning: JSON's 0e5 is the float 0.0 (allow all), PyYAML's a string.
    assert.deepEqual(
      results[0].results.map((result) => result.result),
      [true, true, true],
    );
  });
});
