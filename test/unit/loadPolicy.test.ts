import type { RegisteredRule } from '../../server/src/core/catalog/catalogTypes';
import assert from 'node:assert/strict';
import { canonicalRuleString } from '../../server/src/core/check/checkPrint';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { DEFAULT_OPTIONS } from '../../server/src/core/engine/effectivePolicy';
import { loadEffectivePolicy, loadPolicyFile } from '../../server/src/core/engine/loadPolicy';
import { fileDiagnostics } from '../../server/src/core/features/diagnostics';
import { Random } from '../support/random';
import { registeredRule } from '../support/registeredRule';

const load = (text: string, registered: RegisteredRule[] = [], options = DEFAULT_OPTIONS) => {
  const file = loadPolicyFile(readPolicyDocument(text));
  return { file, policy: loadEffectivePolicy({ files: [file], registered, options }) };
};

const rule = registeredRule;

describe('loading policy files as Rules.load does', () => {
  it('reads the list form: outer OR, inner AND, strings as single checks', () => {
    const { policy } = load(
      '{"a": [["role:x", "role:y"], "rule:b"], "b": [], "c": [[]], "d": [["role:x and role:y"]]}',
    );
    assert.equal(canonicalRuleString(policy.get('a')!), '((role:x and role:y) or rule:b)');
    assert.equal(canonicalRuleString(policy.get('b')!), '@');
    assert.equal(canonicalRuleString(policy.get('c')!), '!');
    assert.equal(canonicalRuleString(policy.get('d')!), 'role:x and role:y');
  });

  it('falsy values allow everyone; truthy non-strings make loading raise', () => {
    assert.equal(canonicalRuleString(load('a: no\n').policy.get('a')!), '@');
    const broken = load('a: 5\n');
    assert.equal(broken.policy.loadFailure?.kind, 'raises');
    assert.ok(
      broken.policy.loadFailure?.kind === 'raises' && broken.policy.loadFailure.exception === 'TypeError',
    );
  });

  it("holds the files' rules apart from the defaults, in the files' order", () => {
    const { policy } = load('b: role:y\na: rule:c\n', [rule('c', 'role:z'), rule('a', '@')]);
    const fileRules = policy.fileRules;
    assert.deepEqual([...fileRules.keys()], ['b', 'a']);
    assert.deepEqual(
      [...fileRules].map(([name]) => name),
      ['b', 'a'],
    );
    assert.equal(fileRules.size, 2);
    assert.equal(fileRules.has('c'), false);
    assert.equal(fileRules.get('c'), undefined);
    assert.equal(canonicalRuleString(fileRules.get('b')!.rule), 'role:y');
    const visited: string[] = [];
    fileRules.forEach((_, name) => visited.push(name));
    assert.deepEqual(visited, ['b', 'a']);
    assert.deepEqual([...policy.rules.keys()], ['b', 'a', 'c']);
    assert.equal(policy.rules.size, 3);
    assert.equal(policy.rules.get('c')?.origin.kind, 'default');
  });

  it('keeps a key written twice where it was first written, with its last value, as a dict does', () => {
    // PyYAML: {'b': 'role:y', 'a': 'rule:c'}, and oslo.policy's Rules keep that order.
    const { policy } = load('b: role:x\na: rule:c\nb: role:y\n');
    assert.deepEqual([...policy.rules.keys()], ['b', 'a']);
    assert.deepEqual([...policy.fileRules.keys()], ['b', 'a']);
    assert.equal(canonicalRuleString(policy.get('b')!), 'role:y');
  });

  it('only the winning duplicate is parsed', () => {
    const { policy, file } = load('a: 5\na: role:x\n');
    assert.equal(policy.loadFailure, null);
    assert.equal(canonicalRuleString(policy.get('a')!), 'role:x');
    assert.ok(fileDiagnostics(file, policy).some((d) => d.code === 'duplicate-key'));
  });

  it('ORs a changed default with its deprecated one unless enforce_new_defaults', () => {
    const registered = [
      rule('new', 'role:reader', {
        deprecated_rule: {
          name: 'old',
          check_str: 'role:admin',
          deprecated_reason: null,
          deprecated_since: 'W',
        },
      }),
    ];
    assert.equal(
      canonicalRuleString(load('{}', registered).policy.get('new')!),
      '(role:reader or role:admin)',
    );
    const strict = { ...DEFAULT_OPTIONS, enforceNewDefaults: true };
    assert.equal(canonicalRuleString(load('{}', registered, strict).policy.get('new')!), 'role:reader');
    assert.equal(canonicalRuleString(load('old: role:x\n', registered, strict).policy.get('new')!), 'role:x');
  });

  it('a 10,000-rule chain makes check_rules raise RecursionError', () => {
    const lines = Array.from({ length: 10_000 }, (_, index) => `r${index}: rule:r${index + 1}`);
    const { policy } = load(`${lines.join('\n')}\nr10000: '@'\n`);
    assert.ok(policy.loadFailure?.kind === 'raises' && policy.loadFailure.exception === 'RecursionError');
    const short = Array.from({ length: 50 }, (_, index) => `r${index}: rule:r${index + 1}`);
    assert.equal(load(`${short.join('\n')}\n`).policy.loadFailure, null);
  });
});

describe('diagnostics of issue 2', () => {
  it('finds undefined rules with a suggestion and the default-rule fallback', () => {
    const { file, policy } = load('admin_required: role:admin\na: rule:admin_requried\n');
    const found = fileDiagnostics(file, policy).find((d) => d.code === 'undefined-rule');
    assert.ok(found);
    assert.match(found.message, /Did you mean 'admin_required'/);
    assert.equal(found.severity, 'error');
    const withDefault = load('default: role:admin\na: rule:nope\n');
    assert.equal(
      fileDiagnostics(withDefault.file, withDefault.policy).find((d) => d.code === 'undefined-rule')
        ?.severity,
      'warning',
    );
  });

  it('finds cycles with every rule on them', () => {
    const text = 'a: rule:b\nb: role:x or rule:c\nc: not rule:a\nd: rule:a\n';
    const { file, policy } = load(text);
    const cycles = fileDiagnostics(file, policy).filter((d) => d.code === 'rule-cycle');
    assert.equal(cycles.length, 3);
    assert.equal(cycles[0].related?.length, 3);
    assert.equal(text.slice(cycles[0].span.start, cycles[0].span.end), 'rule:b');
  });
});

describe('an effective policy built on the previous version', () => {
  /** Everything a caller sees: names in order, each rule, its origin and the load failure. */
  const observable = (policy: ReturnType<typeof loadEffectivePolicy>): string =>
    JSON.stringify({
      rules: [...policy.rules.entries()].map(([name, rule]) => [
        name,
        canonicalRuleString(rule.rule),
        rule.origin.kind,
        'fileRule' in rule.origin ? rule.origin.fileRule.name : null,
      ]),
      files: [...policy.fileRules.keys()],
      registered: [...policy.registered.keys()],
      failure: policy.loadFailure,
    });

  it('equals one built from scratch, layers and deprecated names included, version after version', () => {
    const random = new Random(20_261_201);
    const names = ['a', 'b', 'c', 'old', 'new', 'default'];
    const registered = [
      rule('new', 'role:admin', {
        deprecated_rule: { name: 'old', check_str: 'role:x', deprecated_reason: null, deprecated_since: 'X' },
      }),
      rule('c', 'rule:a'),
      rule('default', 'role:admin'),
    ];
    const value = (): string => {
      const target = random.pick(names);
      return random.pick(['role:r', `rule:${target}`, `not rule:${target}`, '@', `rule:${target} or role:r`]);
    };
    const keysOf = (): string[] => Array.from({ length: random.int(0, 5) }, () => random.pick(names));
    let keys = [keysOf(), keysOf()];
    let previous: ReturnType<typeof loadEffectivePolicy> | null = null;
    let reused = 0;
    for (let version = 0; version < 300; version++) {
      // Mostly the same names with other values (typing inside check strings), sometimes others.
      if (random.int(0, 3) === 0) keys = [keysOf(), keysOf()];
      const files = keys.map((layerKeys) =>
        loadPolicyFile(readPolicyDocument(layerKeys.map((key) => `"${key}": "${value()}"\n`).join(''))),
      );
      const options =
        random.int(0, 1) === 0 ? DEFAULT_OPTIONS : { ...DEFAULT_OPTIONS, enforceNewDefaults: true };
      const input = { files, registered, options };
      const fresh = loadEffectivePolicy(input);
      const built = loadEffectivePolicy(input, previous);
      assert.equal(observable(built), observable(fresh), `version ${version}`);
      assert.deepEqual(
        fileDiagnostics(files[0], built).map((d) => d.code),
        fileDiagnostics(files[0], fresh).map((d) => d.code),
      );
      if (previous && built.shape === previous.shape) reused++;
      previous = built;
    }
    assert.ok(reused > 100, `the previous layout was reused ${reused} times`);
  });
});
