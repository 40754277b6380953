import type { PyValue } from '../../server/src/core/python/pyValue';
import type { Random } from './random';

/**
 * Generators of policy files, check strings, credentials and targets for the differential
 * suites. They aim at oslo.policy's corners: operator case, parentheses glued to tokens,
 * lone quotes, literal kinds, `%`-formats, dotted paths, list forms, YAML typing, duplicates.
 */

/** A JSON value whose numbers keep their exact source text (`1.0` stays a float for Python). */
export type RawJson =
  | null
  | boolean
  | string
  | { readonly $raw: string }
  | readonly RawJson[]
  | { readonly [key: string]: RawJson };

export function rawJsonText(value: RawJson): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(rawJsonText).join(',')}]`;
  const record = value as Record<string, RawJson>;
  if ('$raw' in record && typeof record.$raw === 'string') return record.$raw;
  return `{${Object.entries(record)
    .map(([key, item]) => `${JSON.stringify(key)}:${rawJsonText(item)}`)
    .join(',')}}`;
}

const num = (text: string): RawJson => ({ $raw: text });

export const RULE_NAMES = ['admin_required', 'owner', 'default', 'reader', 'a', 'b', 'c', 'context_is_admin'];

const ROLE_WORDS = ['admin', 'member', 'reader', 'Admin', 'READER', 'service', 'x'];

function leafCheck(random: Random, ruleNames: readonly string[]): string {
  switch (random.int(0, 29)) {
    case 0:
    case 1:
    case 2:
      return `role:${random.pick(ROLE_WORDS)}`;
    case 3:
      return `role:%(${random.pick(['role', 'missing', 'n'])})s`;
    case 4:
      return `rule:${random.pick([...ruleNames, 'missing_rule', 'default'])}`;
    case 5:
    case 6:
      return `rule:${random.pick(ruleNames)}`;
    case 7:
      return `project_id:%(${random.pick(['project_id', 'owner', 'missing'])})s`;
    case 8:
      return `user_id:%(user_id)s`;
    case 9:
      return random.pick(['is_admin:True', 'is_admin:true', 'is_admin:1', 'is_admin:False']);
    case 10:
      return random.pick(['system_scope:all', 'system:all', 'domain_id:%(domain_id)s']);
    case 11:
      return random.pick([
        "'public':%(visibility)s",
        '"shared":%(visibility)s',
        'True:%(shared)s',
        'None:%(x)s',
      ]);
    case 12:
      return random.pick([
        '1:%(n)s',
        '0x10:16',
        '1.0:%(n)s',
        '(1,):%(x)s',
        "b'x':%(x)s",
        '1e3:%(n)s',
        '-1:%(n)s',
      ]);
    case 13:
      return random.pick(['01:x', '1a:x', ':x', 'a$b:c', "'abc:x", 'a.b:%(x)s']);
    case 14:
      return random.pick([
        'token.user.id:%(user_id)s',
        'token.roles.name:admin',
        'roles:admin',
        'roles:Admin',
      ]);
    case 15:
      return random.pick(['Role:admin', 'RULE:a', 'role:', 'rule:', 'ROLE:admin']);
    case 16:
      return random.pick(['@', '!']);
    case 17:
      return random.pick(['noColon', "'q'", '"dq"', 'not', '(', ')']);
    case 18:
      return random.pick(["project_id:'p1'", 'project_id:p1', 'user_id:u1', 'domain_id:d1']);
    case 19:
      return random.pick([
        'role:%(x)d',
        'role:100%',
        'n:%(n)d',
        'n:%(n).1f',
        'x:%(x)r',
        'x:%%',
        'role:%(role)s%%',
      ]);
    case 20:
      return random.pick(['n:%(n)s', 'shared:%(shared)s', 'x:%(x)s', 'f:%(f)s']);
    case 21:
      return random.pick(['http://example.invalid/check', 'https:example.invalid']);
    case 22:
      return `role:${random.pick(ROLE_WORDS)}:extra`;
    case 23:
      return random.pick([
        'project_id:%(target.project_id)s',
        'node.owner:%(node.owner)s',
        'owner:%(node.owner)s',
      ]);
    case 24:
      return random.pick(['role:ÄDMIN', 'role:äDMIN', 'role:İ', 'role:ß']);
    default:
      return `role:${random.pick(ROLE_WORDS)}`;
  }
}

const AND = ['and', 'and', 'and', 'AND', 'And'];
const OR = ['or', 'or', 'or', 'OR', 'Or'];
const NOT = ['not', 'not', 'NOT', 'Not'];

function expression(random: Random, ruleNames: readonly string[], depth: number): string {
  if (depth <= 0 || random.chance(0.35)) return leafCheck(random, ruleNames);
  switch (random.int(0, 5)) {
    case 0:
    case 1: {
      const count = random.int(2, 4);
      const parts = Array.from({ length: count }, () => expression(random, ruleNames, depth - 1));
      return parts.join(` ${random.pick(AND)} `);
    }
    case 2:
    case 3: {
      const count = random.int(2, 4);
      const parts = Array.from({ length: count }, () => expression(random, ruleNames, depth - 1));
      return parts.join(` ${random.pick(OR)} `);
    }
    case 4:
      return `${random.pick(NOT)} ${expression(random, ruleNames, depth - 1)}`;
    default: {
      const inner = expression(random, ruleNames, depth - 1);
      return random.chance(0.8) ? `(${inner})` : `( ${inner} )`;
    }
  }
}

/** A check string, sometimes malformed in the ways people really break them. */
export function checkString(random: Random, ruleNames: readonly string[] = RULE_NAMES): string {
  let text = expression(random, ruleNames, random.int(0, 4));
  const mutation = random.int(0, 19);
  if (mutation === 0) text = `${text} ${random.pick([...AND, ...OR])}`;
  else if (mutation === 1) text = `(${text}`;
  else if (mutation === 2) text = `${text})`;
  else if (mutation === 3) text = `${random.pick(OR)} ${text}`;
  else if (mutation === 4) text = `${text} ${leafCheck(random, ruleNames)}`;
  else if (mutation === 5) text = random.pick(['', ' ', '()', '( )', 'not not @', '(@)', '((!))']);
  else if (mutation === 6) text = text.replace(/ (and|or) /i, (m) => m.trim());
  else if (mutation === 7) text = text.replace(/\) /g, ')').replace(/ \(/g, '(');
  else if (mutation === 8) text = `  ${text}\t`;
  return text;
}

type Formatter = (random: Random, check: string) => string;

/** A YAML scalar for a check string, written the way people do (plain when it is safe). */
function yamlScalar(random: Random, check: string): string {
  const plainSafe =
    /^[A-Za-z(][^#'"]*$/.test(check) &&
    !/: |:$|\s$|\t/.test(check) &&
    !/^(yes|no|on|off|true|false|null|y|n)$/i.test(check);
  const style = random.int(0, 9);
  if (style < 5 && plainSafe) return check;
  if (style < 8 || /[\\\t\n]/.test(check)) return JSON.stringify(check);
  return `'${check.replace(/'/g, "''")}'`;
}

const yamlValueFormatter: Formatter = (random, check) => yamlScalar(random, check);

/** The old list form, in YAML flow or block style or JSON. */
function listForm(random: Random, ruleNames: readonly string[]): RawJson {
  const outer: RawJson[] = [];
  for (let i = random.int(0, 3); i > 0; i--) {
    const kind = random.int(0, 9);
    if (kind < 6) {
      outer.push(Array.from({ length: random.int(0, 3) }, () => leafCheck(random, ruleNames)));
    } else if (kind < 8) outer.push(leafCheck(random, ruleNames));
    else outer.push(random.pick<RawJson>(['', [], null, num('0'), false, [['role:admin']], [num('1')]]));
  }
  return outer;
}

/** An odd non-string value (YAML/JSON typing) or a list form. */
function oddValue(random: Random, ruleNames: readonly string[]): { json: RawJson; yaml: string } {
  switch (random.int(0, 9)) {
    case 0:
      return { json: null, yaml: random.pick(['', '~', 'null']) };
    case 1:
      return { json: false, yaml: random.pick(['no', 'false', 'off', 'No']) };
    case 2:
      return { json: true, yaml: random.pick(['yes', 'true', 'on']) };
    case 3:
      return { json: num('0'), yaml: '0' };
    case 4:
      return { json: num('5'), yaml: random.pick(['5', '1.5', '2001-01-01']) };
    case 5:
      return { json: [], yaml: '[]' };
    case 6:
      return { json: {}, yaml: '{}' };
    default: {
      const list = listForm(random, ruleNames);
      return { json: list, yaml: random.chance(0.5) ? rawJsonText(list) : blockList(list) };
    }
  }
}

function blockList(list: RawJson): string {
  if (!Array.isArray(list) || list.length === 0) return '[]';
  const lines: string[] = [''];
  for (const item of list as RawJson[]) {
    if (Array.isArray(item)) {
      if (item.length === 0) lines.push('  - []');
      else {
        (item as RawJson[]).forEach((inner, index) =>
          lines.push(`  ${index === 0 ? '- - ' : '  - '}${rawJsonText(inner)}`),
        );
      }
    } else lines.push(`  - ${rawJsonText(item)}`);
  }
  return lines.join('\n');
}

export interface GeneratedPolicy {
  readonly text: string;
  readonly names: readonly string[];
}

/** A whole policy file in YAML or JSON, with comments, duplicates, quoting variety and odd values. */
export function policyFile(
  random: Random,
  format: 'yaml' | 'json',
  extraNames: readonly string[] = [],
): GeneratedPolicy {
  const names = [
    ...RULE_NAMES.filter(() => random.chance(0.6)),
    ...extraNames.filter(() => random.chance(0.3)),
  ];
  const entries: [string, { json: RawJson; yaml: string }][] = [];
  const referable = [...names, ...RULE_NAMES.slice(0, 2)];
  for (const name of names) {
    if (random.chance(0.12)) {
      entries.push([name, oddValue(random, referable)]);
    } else {
      const check = checkString(random, referable);
      entries.push([name, { json: check, yaml: yamlValueFormatter(random, check) }]);
    }
    if (random.chance(0.05)) {
      const check = checkString(random, referable);
      entries.push([name, { json: check, yaml: yamlValueFormatter(random, check) }]);
    }
  }
  if (format === 'json') {
    const body = entries
      .map(([name, value]) => `  ${JSON.stringify(name)}: ${rawJsonText(value.json)}`)
      .join(',\n');
    return { text: `{\n${body}\n}\n`, names };
  }
  const lines: string[] = [];
  if (random.chance(0.3)) lines.push('# generated policy', '');
  for (const [name, value] of entries) {
    const key = random.chance(0.3) ? JSON.stringify(name) : name;
    const comment = random.chance(0.1) ? ' # note' : '';
    if (random.chance(0.05)) lines.push('#"commented_out": "role:admin"');
    const separator = value.yaml.startsWith('\n') ? ':' : ': ';
    lines.push(`${key}${separator}${value.yaml}${value.yaml.startsWith('\n') ? '' : comment}`);
  }
  return { text: `${lines.join('\n')}\n`, names };
}

const STRINGS = ['p1', 'p2', 'u1', 'd1', 'admin', 'True', 'true', 'public', 'shared', 'all', '1', '16', ''];

function scalar(random: Random): RawJson {
  switch (random.int(0, 9)) {
    case 0:
      return random.pick([true, false]);
    case 1:
      return null;
    case 2:
      return num(random.pick(['1', '0', '16', '-1', '1000', '99999999999999999999']));
    case 3:
      return num(random.pick(['1.0', '1.5', '1e3', '0.1', '1e16', '-0.0', '1E-5', '16.0']));
    default:
      return random.pick(STRINGS);
  }
}

/** Credentials as a token would give them, and broken ones. */
export function credentials(random: Random): RawJson {
  const creds: Record<string, RawJson> = {};
  const rolesKind = random.int(0, 19);
  if (rolesKind < 15)
    creds.roles = random.subset(['admin', 'member', 'reader', 'Admin', 'service', 'x', 'ÄDMIN', 'i̇']);
  else if (rolesKind === 15) creds.roles = random.pick(['admin', 'reader']);
  else if (rolesKind === 16) creds.roles = [num('1'), 'admin'];
  else if (rolesKind === 17) creds.roles = { admin: true };
  else if (rolesKind === 18) creds.roles = null;
  if (random.chance(0.8)) creds.project_id = random.chance(0.8) ? random.pick(['p1', 'p2']) : scalar(random);
  if (random.chance(0.7)) creds.user_id = random.chance(0.8) ? random.pick(['u1', 'u2']) : scalar(random);
  if (random.chance(0.3)) creds.domain_id = random.pick<RawJson>(['d1', null, '']);
  if (random.chance(0.3)) creds.system_scope = random.pick<RawJson>(['all', null, '', 'x']);
  if (random.chance(0.4)) creds.is_admin = random.pick<RawJson>([true, false, 'True', 'true', num('1')]);
  if (random.chance(0.2)) {
    creds.token = random.pick<RawJson>([
      { user: { id: 'u1' }, roles: [{ name: 'admin' }, { name: 'reader' }] },
      { user: [{ id: 'u1' }, { id: 'u2' }] },
      { user: null },
      'tok',
    ]);
  }
  if (random.chance(0.15)) creds.n = scalar(random);
  if (random.chance(0.1)) creds.Role = 'admin';
  if (random.chance(0.1)) creds.a = { b: random.pick<RawJson>(['c', [num('1'), 'x']]) };
  if (random.chance(0.02)) return random.pick<RawJson>([[], 'creds', null]);
  return creds;
}

/** Targets with the usual attributes, values of every JSON type, and sometimes no dict at all. */
export function target(random: Random): RawJson {
  const result: Record<string, RawJson> = {};
  if (random.chance(0.8)) result.project_id = random.chance(0.8) ? random.pick(['p1', 'p2']) : scalar(random);
  if (random.chance(0.5)) result.user_id = random.pick(['u1', 'u2']);
  if (random.chance(0.4)) result.owner = random.pick(['p1', 'p2']);
  if (random.chance(0.4)) result.visibility = random.pick(['public', 'private', 'shared', 'community']);
  if (random.chance(0.3)) result.shared = scalar(random);
  if (random.chance(0.3)) result.n = scalar(random);
  if (random.chance(0.3)) result.x = scalar(random);
  if (random.chance(0.2)) result.f = num(random.pick(['1.0', '0.5', '1e100', '123456789.123']));
  if (random.chance(0.3)) result.role = random.pick(['admin', 'ADMIN', 'reader', '%s', '']);
  if (random.chance(0.2)) result['node.owner'] = 'p1';
  if (random.chance(0.2)) result.domain_id = 'd1';
  if (random.chance(0.02)) return random.pick<RawJson>([[], 'target', [num('1')]]);
  return result;
}

/** A Python value back as exact JSON (ints keep their digits), for the oracle's requests. */
export function pyToRawJson(value: PyValue): RawJson {
  switch (value.t) {
    case 'none':
      return null;
    case 'bool':
      return value.v;
    case 'str':
      return value.v;
    case 'int':
      return { $raw: value.v.toString() };
    case 'list':
      return value.items.map(pyToRawJson);
    case 'dict':
      return Object.fromEntries([...value.map].map(([key, item]) => [key, pyToRawJson(item)]));
    default:
      throw new Error(`no JSON for ${value.t}`);
  }
}
