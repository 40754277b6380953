/** A small, strict argument parser: unknown flags are errors, repeated flags collect. */
export interface FlagSpec {
  readonly takesValue: boolean;
  readonly repeatable?: boolean;
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Map<string, string[]>;
  readonly switches: Set<string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals > 0 ? arg.slice(2, equals) : arg.slice(2);
    const flag = spec[name];
    if (!flag) throw new UsageError(`unknown option --${name}`);
    if (!flag.takesValue) {
      if (equals > 0) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
      continue;
    }
    let value: string;
    if (equals > 0) value = arg.slice(equals + 1);
    else {
      if (index + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      value = argv[++index];
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && !flag.repeatable) throw new UsageError(`--${name} given twice`);
    list.push(value);
    values.set(name, list);
  }
  return { positionals, values, switches };
}

export function single(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}
