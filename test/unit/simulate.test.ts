import type { RegisteredRule } from '../../server/src/core/catalog/catalogTypes';
import assert from 'node:assert/strict';
import { readPolicyDocument } from '../../server/src/core/document/policyDocument';
import { DEFAULT_OPTIONS, type PolicyOptions } from '../../server/src/core/engine/effectivePolicy';
import { loadEffectivePolicy, loadPolicyFile } from '../../server/src/core/engine/loadPolicy';
import { parsePythonJson } from '../../server/src/core/python/pyJson';
import { evaluateCondition } from '../../server/src/core/simulate/condition';
import {
  DEFAULT_IMPLIED_ROLES,
  DEFAULT_PERSONAS,
  expandRoles,
  personaCredentials,
} from '../../server/src/core/simulate/personas';
import { simulateRule, type Simulation } from '../../server/src/core/simulate/simulate';
import { readSettings } from '../../server/src/lsp/settings';
import { registeredRule } from '../support/registeredRule';

const rule = registeredRule;

function policyOf(text: string, registered: RegisteredRule[] = [], options: Partial<PolicyOptions> = {}) {
  return loadEffectivePolicy({
    files: [loadPolicyFile(readPolicyDocument(text))],
    registered,
    options: { ...DEFAULT_OPTIONS, ...options },
  });
}

const persona = (id: string) => personaCredentials(DEFAULT_PERSONAS.find((p) => p.id === id)!);
const json = (text: string) => parsePythonJson(text);

function simulate(
  text: string,
  name: string,
  creds = persona('project_member'),
  target: string | null = null,
) {
  return simulateRule(policyOf(text), name, creds, target === null ? null : json(target));
}

function flatTrace(result: Simulation): string[] {
  const out: string[] = [];
  const visit = (steps: Simulation['trace']): void =>
    steps.forEach((step) => {
      out.push(`${step.check}: ${step.result}`);
      visit(step.children);
    });
  visit(result.trace);
  return out;
}

describe('personas', () => {
  it('has the eight default ids other tools rely on, in order', () => {
    assert.deepEqual(
      DEFAULT_PERSONAS.map((p) => p.id),
      [
        'project_reader',
        'project_member',
        'project_admin',
        'system_reader',
        'system_admin',
        'domain_manager',
        'service',
        'anonymous',
      ],
    );
  });

  it("expands Keystone's implied roles transitively, and follows a cloud's own implications", () => {
    assert.deepEqual(expandRoles(['admin'], DEFAULT_IMPLIED_ROLES), ['admin', 'member', 'reader']);
    assert.deepEqual(expandRoles(['a'], { a: ['b'], b: ['a', 'c'] }), ['a', 'b', 'c']);
    const creds = personaCredentials(DEFAULT_PERSONAS[0], { reader: ['observer'] });
    assert.equal(creds.t, 'dict');
    assert.deepEqual(creds.t === 'dict' && creds.map.get('roles'), {
      t: 'list',
      items: [
        { t: 'str', v: 'reader' },
        { t: 'str', v: 'observer' },
      ],
    });
  });

  it('takes user-defined personas from osPolicy.personas, replacing a default of the same id', () => {
    const settings = readSettings({
      personas: [
        { id: 'project_member', label: 'member of p7', roles: ['member'], project_id: 'p7' },
        {
          id: 'auditor',
          roles: ['auditor'],
          system_scope: 'all',
          is_admin: true,
          region: 'r1',
          groups: ['g1', 'g2'],
        },
      ],
      impliedRoles: { auditor: ['reader'] },
    });
    const ids = settings.personas.map((p) => p.id);
    assert.equal(ids.filter((id) => id === 'project_member').length, 1);
    assert.ok(ids.includes('auditor'));
    const auditor = personaCredentials(
      settings.personas.find((p) => p.id === 'auditor')!,
      settings.impliedRoles,
    );
    assert.ok(auditor.t === 'dict');
    assert.deepEqual(auditor.map.get('region'), { t: 'str', v: 'r1' });
    assert.deepEqual(auditor.map.get('is_admin'), { t: 'bool', v: true });
    const result = simulateRule(
      policyOf('"r": "role:reader and region:r1 and groups:g2"'),
      'r',
      auditor,
      null,
    );
    assert.equal(result.verdict, 'allowed');
  });
});

describe('simulation with the target left open', () => {
  it('leaves the owner comparison as the condition, in readable form', () => {
    const result = simulate(
      '"delete_image": "role:admin or (role:member and project_id:%(owner)s)"',
      'delete_image',
    );
    assert.equal(result.verdict, 'conditional');
    assert.equal(result.condition, 'project_id == %(owner)s');
    assert.deepEqual(result.keys, ['owner']);
    assert.equal(evaluateCondition(result.conditionTree!, json('{"owner": "p1"}')).kind, 'bool');
    assert.deepEqual(evaluateCondition(result.conditionTree!, json('{"owner": "p1"}')), {
      kind: 'bool',
      value: true,
    });
    assert.deepEqual(evaluateCondition(result.conditionTree!, json('{"owner": "p2"}')), {
      kind: 'bool',
      value: false,
    });
    assert.deepEqual(evaluateCondition(result.conditionTree!, json('{}')), { kind: 'bool', value: false });
  });

  it('decides what does not read the target: admin allowed, anonymous denied', () => {
    const text = '"delete_image": "role:admin or (role:member and project_id:%(owner)s)"';
    assert.equal(simulate(text, 'delete_image', persona('project_admin')).verdict, 'allowed');
    assert.equal(simulate(text, 'delete_image', persona('anonymous')).verdict, 'denied');
  });

  it('formats role:%(x)s against the target and compares it lower-cased with the roles', () => {
    const result = simulate('"r": "role:%(required)s"', 'r', persona('project_admin'));
    assert.equal(result.condition, '%(required)s in roles');
    assert.deepEqual(evaluateCondition(result.conditionTree!, json('{"required": "MEMBER"}')), {
      kind: 'bool',
      value: true,
    });
    assert.equal(simulate('"r": "role:x-%(required)s"', 'r', persona('project_admin')).verdict, 'denied');
  });

  it('compares literal kinds with the target and never consults the credentials for them', () => {
    const result = simulate(`"r": "'public':%(visibility)s or True:%(shared)s"`, 'r', persona('anonymous'));
    assert.equal(result.condition, "'public' == %(visibility)s or True == %(shared)s");
    assert.deepEqual(evaluateCondition(result.conditionTree!, json('{"shared": true}')), {
      kind: 'bool',
      value: true,
    });
  });

  it('walks dotted credential paths and searches lists along the way', () => {
    const creds = json('{"token": {"projects": [{"id": "a"}, {"id": "b"}]}, "roles": []}');
    const result = simulate('"r": "token.projects.id:%(project_id)s"', 'r', creds);
    assert.equal(result.condition, '%(project_id)s in token.projects.id');
    assert.deepEqual(evaluateCondition(result.conditionTree!, json('{"project_id": "b"}')), {
      kind: 'bool',
      value: true,
    });
    assert.equal(simulate('"r": "token.missing:%(project_id)s"', 'r', creds).verdict, 'denied');
  });

  it('reports where a credential path raises, after the values before it failed to match', () => {
    const creds = json('{"a": ["x", {"b": "y"}], "roles": []}');
    const result = simulate('"r": "a.b:%(k)s"', 'r', creds);
    assert.equal(result.verdict, 'error');
    assert.match(result.reason!, /TypeError/);
    assert.deepEqual(evaluateCondition(result.conditionTree!, json('{}')), { kind: 'bool', value: false });
    assert.equal(evaluateCondition(result.conditionTree!, json('{"k": "y"}')).kind, 'raises');
  });

  it('falls back to the default rule for an undefined rule, and denies without one', () => {
    const text = '"default": "role:member"\n"r": "rule:nowhere"';
    assert.equal(simulate(text, 'r').verdict, 'allowed');
    assert.equal(simulate(text, 'not_a_rule').verdict, 'allowed');
    assert.ok(
      flatTrace(simulate(text, 'not_a_rule')).some((line) => /default rule 'default' decides/.test(line)),
    );
    const none = simulateRule(
      policyOf(text, [], { defaultRule: null }),
      'r',
      persona('project_member'),
      null,
    );
    assert.equal(none.verdict, 'denied');
  });

  it('treats http checks as unknown and never performs them', () => {
    const result = simulate('"r": "role:reader and http://policy.example.invalid/check"', 'r');
    assert.equal(result.verdict, 'unknown');
    assert.match(result.reason!, /never performed/);
    assert.equal(simulate('"r": "role:member or http://x.invalid"', 'r').verdict, 'allowed');
  });

  it('reports the errors oslo.policy raises, and where they depend on the target', () => {
    assert.equal(simulate('"r": "role:100%"', 'r').verdict, 'error');
    const result = simulate('"r": "01:%(x)s"', 'r');
    assert.equal(result.verdict, 'error');
    assert.match(result.reason!, /SyntaxError/);
    assert.deepEqual(evaluateCondition(result.conditionTree!, json('{}')), { kind: 'bool', value: false });
    assert.equal(simulate('"r": "\'q\'"', 'r').verdict, 'error');
  });

  it('keeps a condition unknown where the match uses formats it does not model', () => {
    const result = simulate('"r": "project_id:%(n)d"', 'r');
    assert.equal(result.verdict, 'unknown');
  });

  it('decides contradictions instead of calling them conditional', () => {
    const creds = json('{"roles": [], "domain_id": null}');
    const result = simulate('"r": "domain_id:%(d)s and not None:%(d)s"', 'r', creds);
    assert.equal(result.verdict, 'denied');
  });

  it('respects and reports the mode: enforce_scope denies a project token on a system rule', () => {
    const registered = [rule('r', 'role:reader', { scope_types: ['system'] })];
    const strict = simulateRule(
      policyOf('', registered, { enforceScope: true }),
      'r',
      persona('project_admin'),
      null,
    );
    assert.equal(strict.verdict, 'denied');
    assert.match(strict.mode, /enforce_scope on/);
    assert.ok(flatTrace(strict).some((line) => /project-scoped/.test(line)));
    const loose = simulateRule(policyOf('', registered), 'r', persona('project_admin'), null);
    assert.equal(loose.verdict, 'allowed');
    assert.match(loose.mode, /^default mode/);
  });

  it('ORs the deprecated default unless enforce_new_defaults, and says so in the trace', () => {
    const registered = [
      rule('r', 'role:admin', {
        deprecated_rule: {
          name: 'r',
          check_str: 'role:member',
          deprecated_reason: null,
          deprecated_since: null,
        },
      }),
    ];
    const loose = simulateRule(policyOf('', registered), 'r', persona('project_member'), null);
    assert.equal(loose.verdict, 'allowed');
    assert.ok(flatTrace(loose).some((line) => /deprecated default/.test(line)));
    const strict = simulateRule(
      policyOf('', registered, { enforceNewDefaults: true }),
      'r',
      persona('project_member'),
      null,
    );
    assert.equal(strict.verdict, 'denied');
  });

  it('traces every sub-check with what held, failed or remains open', () => {
    const result = simulate('"r": "role:admin or (role:member and project_id:%(owner)s)"', 'r');
    const lines = flatTrace(result);
    assert.ok(lines.some((line) => /^role:admin: fails/.test(line)));
    assert.ok(lines.some((line) => /^role:member: holds/.test(line)));
    assert.ok(lines.some((line) => /^project_id:%\(owner\)s: open: project_id == %\(owner\)s/.test(line)));
  });

  it('gives up with unknown, not a crash, on self-referencing rules that explode', () => {
    const result = simulate('"a": "(project_id:%(x)s or rule:a) and (user_id:%(y)s or rule:a)"', 'a');
    assert.ok(['unknown', 'error'].includes(result.verdict), result.verdict);
  });
});

describe('simulation with a concrete target', () => {
  it('gives the exact decision with the engine trace', () => {
    const text = '"r": "role:member and project_id:%(owner)s"';
    const mine = simulate(text, 'r', persona('project_member'), '{"owner": "p1"}');
    assert.equal(mine.verdict, 'allowed');
    assert.equal(mine.exact, true);
    assert.ok(flatTrace(mine).some((line) => /credential project_id renders as 'p1'/.test(line)));
    assert.equal(simulate(text, 'r', persona('project_member'), '{"owner": "p2"}').verdict, 'denied');
    assert.equal(simulate(text, 'r', persona('project_member'), '"not a dict"').verdict, 'error');
  });
});
