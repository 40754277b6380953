import { existsSync } from 'node:fs';
import { matrixOf, type Matrix } from '../core/simulate/matrix';
import { diffMatrices, matrixDiffText } from '../core/simulate/matrixDiff';
import { MATRIX_FORMATS, renderMatrix, type MatrixFormat } from '../core/simulate/matrixRender';
import { DEFAULT_IMPLIED_ROLES } from '../core/simulate/personas';
import { openBuiltInCatalog } from '../node/catalogFiles';
import { parseArgs, single, UsageError, type ParsedArgs } from './args';
import { POLICY_FLAGS } from './policyInputs';
import { choosePersonas, loadPolicyFromArgs } from './simulateCommand';

export const MATRIX_USAGE =
  'os-policy matrix FILE|--namespace NS [--release R] [--personas a,b] [--format md|csv|html|json] ' +
  '[--default-rule NAME] [--enforce-new-defaults] [--enforce-scope] [--policy-dir DIR]...\n' +
  '  os-policy matrix --diff A B [--format text|json] [same flags]   (A, B: a policy file, or NS@RELEASE for defaults)';

/**
 * `os-policy matrix`: every policy × persona with ✅/❌/🔍 and the condition, grouped by API
 * resource. `--diff A B`: which personas gained or lost which operations from A to B, where each
 * side is a policy file (over its namespace's defaults) or `NS@RELEASE`, the defaults alone.
 */
export function matrixCommand(argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, {
    ...POLICY_FLAGS,
    personas: { takesValue: true, repeatable: true },
    format: { takesValue: true },
    diff: { takesValue: false },
  });
  const personas = choosePersonas(args.values.get('personas'));
  if (args.switches.has('diff')) {
    if (args.positionals.length !== 2)
      throw new UsageError(`--diff needs two sides, A and B\n${MATRIX_USAGE}`);
    const format = single(args, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json')
      throw new UsageError('--format for --diff must be text or json');
    const [a, b] = args.positionals.map((side) => sideMatrix(side, args, personas));
    const diff = diffMatrices(a, b);
    out((format === 'json' ? JSON.stringify(diff, null, 2) : matrixDiffText(diff)).trimEnd());
    return 0;
  }
  const format = (single(args, 'format') ?? 'md') as MatrixFormat;
  if (!MATRIX_FORMATS.includes(format)) throw new UsageError('--format must be md, csv, html or json');
  const matrix = buildFor(args, args.positionals[0], personas);
  out(renderMatrix(matrix, format).trimEnd());
  return 0;
}

function buildFor(
  args: ParsedArgs,
  path: string | undefined,
  personas: ReturnType<typeof choosePersonas>,
  titlePrefix = 'Role matrix: ',
): Matrix {
  const loaded = loadPolicyFromArgs(args, path);
  const what = path ?? loaded.namespaces.join(', ');
  const defaults =
    loaded.namespaces.length > 0 ? ` (${loaded.namespaces.join(', ')} ${loaded.release ?? ''})` : '';
  return matrixOf(
    loaded.policy,
    personas,
    DEFAULT_IMPLIED_ROLES,
    `${titlePrefix}${what}${path ? defaults : ` ${loaded.release ?? ''}`}`.trim(),
  );
}

/** One side of a diff: an existing file, or `NS@RELEASE` (`nova@zed`, `glance@2025.1`). */
function sideMatrix(side: string, args: ParsedArgs, personas: ReturnType<typeof choosePersonas>): Matrix {
  // loadPolicyFromArgs takes the first positional as FILE and refuses a second one: give this
  // side as the only one.
  if (existsSync(side)) return buildFor({ ...args, positionals: [side] }, side, personas, '');
  const at = side.lastIndexOf('@');
  const namespace = at > 0 ? side.slice(0, at) : side;
  const release =
    at > 0 ? side.slice(at + 1) : (single(args, 'release') ?? openBuiltInCatalog()?.newestRelease() ?? '');
  const values = new Map(args.values);
  values.set('namespace', [namespace]);
  values.set('release', [release]);
  const sideArgs: ParsedArgs = { positionals: [], values, switches: args.switches };
  const loaded = loadPolicyFromArgs(sideArgs, undefined);
  return matrixOf(
    loaded.policy,
    personas,
    DEFAULT_IMPLIED_ROLES,
    `${namespace}@${loaded.release ?? release}`,
  );
}
