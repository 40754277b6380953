import assert from 'node:assert/strict';
import type { RegisteredRule } from '../../server/src/core/catalog/catalogTypes';
import { DEFAULT_PERSONAS, personaCredentials } from '../../server/src/core/simulate/personas';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { compareWithOracle, describeDisagreements, type DifferentialJob } from '../support/compare';
import { pyToRawJson, type RawJson } from '../support/generate';

/**
 * The release under test: zed by default (all its namespaces are dumped from the bookworm
 * packages `npm test` installs); `npm run test:releases` runs this file again for epoxy and
 * victoria against the oracle inside their chroots (OS_POLICY_ORACLE_CHROOT).
 */
const RELEASE = process.env.OS_POLICY_RELEASE ?? 'zed';
const BOOKWORM_NAMESPACES = openBuiltInCatalog()?.namespaces(RELEASE) ?? [];

/** Every `%(attr)s` of the namespace's defaults, old and new. */
function targetAttributes(rules: readonly RegisteredRule[]): string[] {
  const names = new Set<string>();
  for (const rule of rules) {
    for (const text of [rule.check_str, rule.deprecated_rule?.check_str ?? '']) {
      for (const match of text.matchAll(/%\(([^)]*)\)s/g)) names.add(match[1]);
    }
  }
  return [...names].sort();
}

/** A target owned by the personas' project/user/domain, one owned by others, and an empty one. */
function targets(attributes: readonly string[]): RawJson[] {
  const ours = (name: string): string =>
    /user/.test(name)
      ? 'u1'
      : /domain/.test(name)
        ? 'd1'
        : /project|owner|tenant|lessee|member/.test(name)
          ? 'p1'
          : 'x';
  return [
    Object.fromEntries(attributes.map((name) => [name, ours(name)])),
    Object.fromEntries(attributes.map((name) => [name, `other-${name}`])),
    {},
  ];
}

describe(`personas × registered rules of every ${RELEASE} namespace, against oslo.policy`, function () {
  this.timeout(600_000);

  it('agrees on every persona and rule in default and strict modes', () => {
    const catalog = openBuiltInCatalog();
    assert.ok(catalog, 'the built-in catalog is missing');
    const registeredOf = (namespace: string): RegisteredRule[] => [...catalog.get(namespace, RELEASE)!.rules];
    const jobs: DifferentialJob[] = [];
    for (const namespace of BOOKWORM_NAMESPACES) {
      const rules = registeredOf(namespace);
      const attributes = targetAttributes(rules);
      for (const strict of [false, true]) {
        const cases = rules.flatMap((rule) =>
          DEFAULT_PERSONAS.flatMap((persona) =>
            targets(attributes).map((target) => ({
              rule: rule.name,
              creds: pyToRawJson(personaCredentials(persona)),
              target,
            })),
          ),
        );
        jobs.push({
          files: { 'policy.yaml': '' },
          namespaces: [namespace],
          options: { default_rule: 'default', enforce_new_defaults: strict, enforce_scope: strict },
          cases,
        });
      }
    }
    const report = compareWithOracle(jobs, registeredOf);
    process.stderr.write(
      `      ${report.cases} persona × rule × target cases over ${BOOKWORM_NAMESPACES.length} namespaces: ` +
        `${report.agreed} agreed, ${report.unknown} not decided, ${report.disagreements.length} disagreements\n`,
    );
    assert.equal(report.unknown, 0);
    assert.equal(report.disagreements.length, 0, describeDisagreements(jobs, report, 5).slice(0, 20_000));
  });
});
