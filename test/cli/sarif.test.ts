import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { runCli } from '../support/cli';
import { repoRoot } from '../support/paths';

/** The official SARIF 2.1.0 schema (2.1.0-rtm.5, the OASIS standard), as @microsoft/jest-sarif ships it. */
function sarifSchema(): object {
  const path = join(
    repoRoot(),
    'node_modules',
    '@microsoft',
    'jest-sarif',
    'lib',
    'schemas',
    'sarif-2.1.0-rtm.5.json',
  );
  return JSON.parse(readFileSync(path, 'utf8')) as object;
}

interface SarifLog {
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        rules: { id: string; help: { text: string }; shortDescription: { text: string } }[];
      };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string };
          region: { startLine: number; startColumn: number };
        };
      }[];
    }[];
  }[];
}

describe('os-policy check --format sarif', function () {
  this.timeout(60_000);
  let log: SarifLog;
  let text: string;

  before(() => {
    const run = runCli(['check', 'examples', '--format', 'sarif']);
    assert.equal(run.status, 1, run.stderr);
    text = run.stdout;
    log = JSON.parse(text) as SarifLog;
  });

  it('validates against the SARIF 2.1.0 JSON schema', () => {
    // The schema's one language-tag pattern is not valid with the u flag; its formats are checked here.
    const ajv = new AjvDraft04({
      allErrors: true,
      strict: false,
      unicodeRegExp: false,
      formats: {
        uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
        'uri-reference': /^[^\s]*$/,
        'date-time': (value: string) => !Number.isNaN(Date.parse(value)),
      },
    });
    const validate = ajv.compile(sarifSchema());
    const valid = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    // The validator is live: a result without a message is refused.
    const broken = JSON.parse(text) as { runs: { results: Record<string, unknown>[] }[] };
    delete broken.runs[0].results[0].message;
    assert.equal(validate(broken), false);
  });

  it('gives every result what GitHub code scanning needs: ruleId, level, a 1-based region, a rule with help', () => {
    const run = log.runs[0];
    assert.equal(log.version, '2.1.0');
    assert.equal(run.tool.driver.name, 'os-policy');
    assert.ok(run.results.length >= 10);
    const ids = run.tool.driver.rules.map((r) => r.id);
    for (const result of run.results) {
      assert.equal(ids[result.ruleIndex], result.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(result.level));
      const rule = run.tool.driver.rules[result.ruleIndex];
      assert.ok(rule.help.text.length > 20 && rule.shortDescription.text.length > 3, rule.id);
      const location = result.locations[0].physicalLocation;
      assert.match(location.artifactLocation.uri, /^examples\/[a-z]+\/policy\.(yaml|json)$/);
      assert.ok(location.region.startLine >= 1 && location.region.startColumn >= 1);
    }
    const typo = run.results.find((r) => r.ruleId === 'undefined-rule')!;
    assert.deepEqual(typo.locations[0].physicalLocation.region.startLine, 6);
    assert.equal(typo.locations[0].physicalLocation.region.startColumn, 40);
    assert.equal(typo.level, 'error');
  });

  it('can be written to a file for upload', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'os-policy-sarif-')), 'os-policy.sarif');
    writeFileSync(path, runCli(['check', 'examples/mistakes', '--format', 'sarif']).stdout);
    const read = JSON.parse(readFileSync(path, 'utf8')) as SarifLog;
    assert.ok(
      read.runs[0].results.every(
        (r) => r.locations[0].physicalLocation.artifactLocation.uri === 'examples/mistakes/policy.yaml',
      ),
    );
  });
});
