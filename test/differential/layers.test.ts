import assert from 'node:assert/strict';
import { analyze, DEFAULT_SETTINGS } from '../../server/src/core/features/analysis';
import type { PolicyLayer } from '../../server/src/core/features/layers';
import { policyDiagnostics } from '../../server/src/core/features/policyDiagnostics';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { loadPolicyFile } from '../../server/src/core/engine/loadPolicy';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { runOracle, type OracleCase, type OracleJob } from '../support/oracle';
import { Random, runSeed } from '../support/random';

/**
 * policy.d: every entry the language server says has no effect (replaced by a later file,
 * unknown and referred to by no file, identical to the default) is removed, and oslo.policy,
 * loading the main file and its policy.d folder, must then decide every case as before.
 */
const ROOT = 'file:///etc/glance/';
const FILES = ['policy.yaml', 'policy.d/10-a.yaml', 'policy.d/20-b.yaml'];
const SETS = 40;
const NO_EFFECT = new Set(['overridden-by-layer', 'unknown-policy', 'redundant-override']);

describe('policy.d diagnostics against oslo.policy', function () {
  this.timeout(600_000);
  const catalog = openBuiltInCatalog()!;
  const registered = catalog.get('glance', 'zed')!.rules;
  const names = ['get_image', 'delete_image', 'add_image', 'publicize_image', 'get_task', 'context_is_admin'];
  const helpers = ['team', 'owner_or_admin', 'helper_x', 'default'];
  const pool = [...names, ...helpers];

  const checkFor = (random: Random, name: string): string => {
    const known = registered.find((rule) => rule.name === name);
    if (known && random.chance(0.3)) return known.check_str;
    return random.pick([
      'role:a',
      'role:b',
      'role:admin or role:a',
      'rule:team',
      'rule:owner_or_admin or role:b',
      '@',
      '!',
      'rule:helper_x and role:a',
      'rule:default',
      'role:admin or (role:member and project_id:%(project_id)s)',
    ]);
  };

  const fileSet = (random: Random): Record<string, string>[] =>
    FILES.map(() => {
      const chosen = [...new Set(Array.from({ length: random.int(1, 5) }, () => random.pick(pool)))];
      return Object.fromEntries(chosen.map((name) => [name, checkFor(random, name)]));
    });

  const text = (entries: Record<string, string>): string =>
    Object.entries(entries)
      .map(([name, check]) => `${name}: ${JSON.stringify(check)}\n`)
      .join('');

  // Services enforce registered names only: a helper rule matters through the rules that refer to it.
  const cases: OracleCase[] = names.flatMap((rule) =>
    [[], ['a'], ['b'], ['admin'], ['member']].map((roles) => ({
      rule,
      creds: { roles, project_id: 'p', user_id: 'u' },
      target: { project_id: 'p' },
    })),
  );

  it('removing what it flags as having no effect changes no decision of oslo.policy', () => {
    const seed = runSeed();
    const random = new Random(seed);
    const jobs: OracleJob[] = [];
    const flagged: string[] = [];
    let counted = 0;
    for (let set = 0; set < SETS; set++) {
      const sets = fileSet(random);
      const texts = sets.map(text);
      const enforceNewDefaults = random.chance(0.5);
      const options = { enforce_new_defaults: enforceNewDefaults };
      const original = Object.fromEntries(FILES.map((path, index) => [path, texts[index]]));
      jobs.push({ files: original, namespaces: ['glance'], options, cases });
      flagged.push('(original)');
      const loaded: PolicyLayer[] = texts.map((t, index) => ({
        uri: ROOT + FILES[index],
        file: loadPolicyFile(readPolicyDocument(t)),
      }));
      FILES.forEach((path, index) => {
        const analysis = analyze({
          uri: ROOT + path,
          version: 1,
          text: texts[index],
          settings: { ...DEFAULT_SETTINGS, service: 'glance', release: 'zed', enforceNewDefaults },
          catalogs: { builtIn: catalog, custom: [] },
          layers: { before: loaded.slice(0, index), after: loaded.slice(index + 1) },
        });
        for (const diagnostic of policyDiagnostics(analysis)) {
          if (!NO_EFFECT.has(diagnostic.code)) continue;
          const name = texts[index].slice(diagnostic.span.start).split(':')[0];
          // Without the override oslo.policy would add the deprecated rule: said in the message.
          if (
            diagnostic.code === 'redundant-override' &&
            /Note: without this override/.test(diagnostic.message)
          )
            continue;
          const without = { ...sets[index] };
          delete without[name];
          jobs.push({
            files: { ...original, [path]: text(without) },
            namespaces: ['glance'],
            options,
            cases,
          });
          flagged.push(`${diagnostic.code} '${name}' in ${path}`);
          counted++;
        }
      });
    }
    const results = runOracle(jobs);
    const failures: string[] = [];
    let original = results[0];
    results.forEach((result, index) => {
      if (flagged[index] === '(original)') {
        original = result;
        return;
      }
      const same =
        (result.load_error === null) === (original.load_error === null) &&
        result.results.every(
          (r, at) =>
            r.result === original.results[at].result &&
            (r.error === null) === (original.results[at].error === null),
        );
      if (!same && failures.length < 5)
        failures.push(`${flagged[index]}:\n${JSON.stringify(jobs[index].files, null, 1)}`);
    });
    process.stderr.write(`      ${counted} flagged entries removed across ${SETS} policy.d sets\n`);
    assert.ok(counted > SETS / 2, `too few flagged entries to mean anything: ${counted}`);
    assert.deepEqual(failures, [], `OS_POLICY_SEED=${seed}`);
  });
});
