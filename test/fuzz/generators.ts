import fc from 'fast-check';

/** Fuzz cases per property: bounded in `npm test`, raised by `npm run fuzz` (FUZZ_RUNS). */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const NAMES = [
  'context_is_admin',
  'admin_api',
  'admin_or_owner',
  'default',
  'volume:get',
  'volume:create',
  'group:group_types_manage',
  'group:group_types:create',
  'volume_extension:types_manage',
  'volume_extension:type_create',
  'my_rule',
  'x',
  'Role',
  '01',
];

const leaf = fc.oneof(
  fc.constantFrom(
    'role:admin',
    'role:member',
    'role:reader',
    'Role:admin',
    'project_id:%(project_id)s',
    'user_id:%(user_id)s',
    'is_admin:True',
    'is_admin_project:True',
    'system_scope:all',
    "'public':%(visibility)s",
    '@',
    '!',
    '01:x',
    'project_id:%(project_id',
    'role:%(x)d',
    'http://policy.invalid/check',
    'https://127.0.0.1/c',
    'lonely',
  ),
  fc.constantFrom(...NAMES).map((name) => `rule:${name}`),
);

/** Check strings from oslo.policy's grammar, with the quirks: glued parentheses, case, stray operators. */
export const checkString: fc.Arbitrary<string> = fc.letrec<{ check: string }>((tie) => ({
  check: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(
        tie('check'),
        fc.constantFrom(' and ', ' or ', ' AND ', ' Or ', ' and not ', ')and('),
        tie('check'),
      )
      .map(([a, op, b]) => `${a}${op}${b}`),
    tie('check').map((c) => `(${c})`),
    tie('check').map((c) => `not ${c}`),
    tie('check').map((c) => `( ${c}`),
  ),
})).check;

/** Text with the characters that break parsers: quotes, tabs, colons, brackets, line breaks, controls. */
const noise = fc.string({
  unit: fc.constantFrom(
    '"',
    "'",
    '\t',
    ':',
    ' ',
    '\n',
    '\r\n',
    '#',
    '[',
    ']',
    '{',
    '}',
    ',',
    '-',
    '&',
    '*',
    '!',
    '|',
    '>',
    '%',
    '\u0000',
    '\u00e9',
    '\ufeff',
    '\u2028',
    'x',
  ),
  maxLength: 6,
});

const yamlValue = fc.oneof(
  checkString.map((c) => JSON.stringify(c)),
  checkString.map((c) => `'${c.replace(/'/g, "''")}'`),
  checkString,
  fc.constantFrom(
    '""',
    "''",
    'no',
    '5',
    '~',
    '[["role:a"], ["role:b"]]',
    '["role:a", "rule:x"]',
    '>-\n  role:admin or\n  role:reader',
  ),
);

const yamlKey = fc.constantFrom(...NAMES).map((name) => (name.includes(':') ? JSON.stringify(name) : name));

function insertNoise(text: string, inserts: readonly [number, string][]): string {
  let result = text;
  for (const [where, what] of inserts) {
    const at = Math.floor(where * (result.length + 1));
    result = result.slice(0, at) + what + result.slice(at);
  }
  return result;
}

/** A policy.yaml: entries, comments, and sometimes noise spliced in anywhere. */
export const yamlDocument: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.tuple(yamlKey, yamlValue, fc.boolean()), { maxLength: 7 }),
    fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), noise), { maxLength: 2 }),
    fc.boolean(),
  )
  .map(([entries, inserts, crlf]) => {
    const text = entries
      .map(([key, value, comment]) => `${comment ? '# a comment\n' : ''}${key}: ${value}`)
      .join('\n');
    const withNoise = insertNoise(`${text}\n`, inserts);
    return crlf ? withNoise.replace(/\r?\n/g, '\r\n') : withNoise;
  });

/** A policy.json, sometimes broken. */
export const jsonDocument: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.oneof(checkString, fc.constant(''))), { maxLength: 6 }),
    fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), noise), { maxLength: 1 }),
  )
  .map(([entries, inserts]) =>
    insertNoise(
      `{\n${entries.map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`,
      inserts,
    ),
  );

/** Clean documents (no noise) whose quick fixes the oracle can compare: cinder names, YAML or JSON. */
export const cleanDocument: fc.Arbitrary<{ text: string; format: 'yaml' | 'json' }> = fc.oneof(
  fc.array(fc.tuple(yamlKey, yamlValue), { minLength: 1, maxLength: 6 }).map((entries) => ({
    text: `${entries.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`,
    format: 'yaml' as const,
  })),
  fc
    .array(fc.tuple(fc.constantFrom(...NAMES), checkString), { minLength: 1, maxLength: 6 })
    .map((entries) => ({
      text: `{\n${entries.map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`,
      format: 'json' as const,
    })),
);

export const anyDocument = fc.oneof(yamlDocument, jsonDocument);
