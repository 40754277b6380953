import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegisteredRule } from '../../server/src/core/catalog/catalogTypes';
import { DEFAULT_OPTIONS, type PolicyOptions } from '../../server/src/core/engine/effectivePolicy';
import { enforceByName } from '../../server/src/core/engine/enforce';
import { Evaluator } from '../../server/src/core/engine/evaluator';
import { loadEffectivePolicy } from '../../server/src/core/engine/loadPolicy';
import { parsePythonJson } from '../../server/src/core/python/pyJson';
import { pyToStr } from '../../server/src/core/python/pyRepr';
import type { PyValue } from '../../server/src/core/python/pyValue';
import { matrixOf } from '../../server/src/core/simulate/matrix';
import { matrixMarkdown } from '../../server/src/core/simulate/matrixFormats';
import { matrixHtml } from '../../server/src/core/simulate/matrixHtml';
import {
  DEFAULT_IMPLIED_ROLES,
  DEFAULT_PERSONAS,
  personaCredentials,
} from '../../server/src/core/simulate/personas';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { PYTHON, repoRoot } from '../support/paths';
import { median, timeMs } from './timing';

/**
 * `npm run bench` (matrix part, alone: `node scripts/bench.mjs matrix`): the role matrix of the
 * largest namespace of the release the oracle runs (zed: the namespace with most rules) × the
 * eight default personas, in the core, beside a loop over oslo.policy's `Enforcer.enforce` for
 * the same policy × persona decisions with one concrete target each (the persona's own objects).
 * The matrix answers for every target at once; the loop answers for one. Prints numbers.
 */
const RELEASE = 'zed';
const REPEATS = 15;

/** The persona's own objects: every `%(key)s` of the namespace set to its project, user or domain. */
function ownTarget(rules: readonly RegisteredRule[], creds: PyValue): Record<string, string> {
  const value = (key: string): string => {
    const get = (name: string): string | null => {
      const found = creds.t === 'dict' ? creds.map.get(name) : undefined;
      return found && found.t === 'str' ? found.v : null;
    };
    if (/user/.test(key)) return get('user_id') ?? 'u-other';
    if (/domain/.test(key)) return get('domain_id') ?? 'd-other';
    return get('project_id') ?? 'p-other';
  };
  const target: Record<string, string> = {};
  for (const rule of rules)
    for (const text of [rule.check_str, rule.deprecated_rule?.check_str ?? ''])
      for (const match of text.matchAll(/%\(([^)]*)\)s/g)) target[match[1]] = value(match[1]);
  return target;
}

function pyToJson(value: PyValue): unknown {
  switch (value.t) {
    case 'list':
      return value.items.map(pyToJson);
    case 'dict':
      return Object.fromEntries([...value.map].map(([k, v]) => [k, pyToJson(v)]));
    case 'none':
      return null;
    case 'bool':
    case 'str':
      return value.v;
    default:
      return pyToStr(value);
  }
}

function main(): void {
  const catalog = openBuiltInCatalog()!;
  const namespace = catalog
    .namespaces(RELEASE)
    .map((ns) => ({ ns, count: catalog.get(ns, RELEASE)!.rules.length }))
    .sort((a, b) => b.count - a.count)[0].ns;
  const registered = [...catalog.get(namespace, RELEASE)!.rules];
  const personas = DEFAULT_PERSONAS;
  const rows: string[][] = [['measure', 'os-policy', 'oslo.policy 4.0.0', 'ratio']];
  for (const [label, options] of [
    ['default mode', DEFAULT_OPTIONS],
    [
      'enforce_new_defaults + enforce_scope',
      { ...DEFAULT_OPTIONS, enforceNewDefaults: true, enforceScope: true },
    ],
  ] as [string, PolicyOptions][]) {
    const policy = loadEffectivePolicy({ files: [], registered, options });
    const cold = timeMs(() => matrixOf(policy, personas, DEFAULT_IMPLIED_ROLES, namespace));
    const warm: number[] = [];
    let matrix = matrixOf(policy, personas, DEFAULT_IMPLIED_ROLES, namespace);
    for (let i = 0; i < REPEATS; i++)
      warm.push(timeMs(() => (matrix = matrixOf(policy, personas, DEFAULT_IMPLIED_ROLES, namespace))));
    const loadMs = median(
      Array.from({ length: REPEATS }, () =>
        timeMs(() => loadEffectivePolicy({ files: [], registered, options })),
      ),
    );
    const htmlMs = median(Array.from({ length: REPEATS }, () => timeMs(() => matrixHtml(matrix))));
    const mdMs = median(Array.from({ length: REPEATS }, () => timeMs(() => matrixMarkdown(matrix))));

    // The same decisions with a concrete target each, in our engine and in oslo.policy.
    const cases = personas.flatMap((persona) => {
      const creds = personaCredentials(persona, DEFAULT_IMPLIED_ROLES);
      const target = ownTarget(registered, creds);
      return registered.map((rule) => ({ rule: rule.name, creds: pyToJson(creds), target }));
    });
    const parsed = cases.map((c) => ({
      rule: c.rule,
      creds: parsePythonJson(JSON.stringify(c.creds)),
      target: parsePythonJson(JSON.stringify(c.target)),
    }));
    const evaluator = new Evaluator();
    const oursAllowed = parsed.filter((c) => {
      const outcome = enforceByName(policy, evaluator, c.rule, { creds: c.creds, target: c.target }).outcome;
      return outcome.kind === 'bool' && outcome.value;
    }).length;
    const oursExact = median(
      Array.from({ length: REPEATS }, () =>
        timeMs(() => {
          for (const c of parsed)
            enforceByName(policy, evaluator, c.rule, { creds: c.creds, target: c.target });
        }),
      ),
    );
    const workdir = mkdtempSync(join(tmpdir(), 'os-policy-matrix-bench-'));
    const casesPath = join(workdir, 'cases.json');
    writeFileSync(
      casesPath,
      JSON.stringify({
        namespace,
        options: { enforce_new_defaults: options.enforceNewDefaults, enforce_scope: options.enforceScope },
        cases,
      }),
    );
    const oslo = spawnSync(
      PYTHON,
      [join(repoRoot(), 'test', 'bench', 'matrix_oslo.py'), casesPath, String(REPEATS)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    if (oslo.status !== 0) throw new Error(`oslo.policy side failed: ${oslo.stderr}`);
    const theirs = JSON.parse(oslo.stdout) as { load_ms: number; enforce_ms: number[]; allowed: number };
    // A benchmark of different answers would mean nothing: both sides must allow the same count.
    if (theirs.allowed !== oursAllowed)
      throw new Error(
        `the two sides disagree: oslo.policy allowed ${theirs.allowed}, os-policy ${oursAllowed}`,
      );
    const theirLoop = median(theirs.enforce_ms);
    const ours = median(warm);
    const decisions = `${registered.length} policies × ${personas.length} personas = ${cases.length} (${oursAllowed} allowed with the concrete targets)`;
    rows.push(
      [`${namespace} (${RELEASE}), ${label}: ${decisions}`, '', '', ''],
      [
        '  matrix, target left open (ours) vs enforce() loop, one concrete target each (oslo), ms, median (best)',
        `${ours.toFixed(1)} (${Math.min(...warm).toFixed(1)})`,
        `${theirLoop.toFixed(1)} (${Math.min(...theirs.enforce_ms).toFixed(1)})`,
        `${(theirLoop / ours).toFixed(1)}x`,
      ],
      ['  matrix, first run in a fresh policy (cold caches), ms', cold.toFixed(1), '', ''],
      [
        '  the same concrete decisions, enforce() loop in both, ms, median',
        oursExact.toFixed(1),
        theirLoop.toFixed(1),
        `${(theirLoop / oursExact).toFixed(1)}x`,
      ],
      [
        '  load defaults (ours: effective policy; oslo: Enforcer + register + load_rules), ms',
        loadMs.toFixed(1),
        theirs.load_ms.toFixed(1),
        '',
      ],
      ['  render HTML (webview) / Markdown, ms, median', `${htmlMs.toFixed(1)} / ${mdMs.toFixed(1)}`, '', ''],
    );
  }
  for (const row of rows)
    process.stdout.write(
      `${row[0].padEnd(100)} ${row[1].padStart(12)} ${row[2].padStart(18)} ${row[3].padStart(8)}\n`,
    );
}

main();
