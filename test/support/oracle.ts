import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON, repoRoot } from './paths';

export interface OracleCase {
  readonly rule?: string;
  readonly check?: string;
  readonly creds: unknown;
  readonly target: unknown;
}

export interface OracleJob {
  /** Relative path → text; the one without a folder is the main policy file. */
  readonly files: Record<string, string>;
  readonly namespaces?: readonly string[];
  readonly options?: {
    default_rule?: string | null;
    enforce_new_defaults?: boolean;
    enforce_scope?: boolean;
  };
  readonly cases: readonly OracleCase[];
}

export interface OracleResult {
  readonly result: boolean | null;
  readonly error: string | null;
}

export interface OracleJobResult {
  readonly load_error: string | null;
  readonly results: readonly OracleResult[];
}

/** Runs real oslo.policy (Debian's, under /usr/bin/python3) on the jobs, all in one process. */
export function runOracle(jobs: readonly OracleJob[], requestText?: string): OracleJobResult[] {
  const script = join(repoRoot(), 'test', 'oracle', 'oracle.py');
  // Another release's oslo.policy and services live in a chroot of its Debian suite
  // (scripts/catalog/generate.mjs builds them): run the same oracle there.
  const chroot = process.env.OS_POLICY_ORACLE_CHROOT;
  let command = PYTHON;
  let args = [script];
  if (chroot) {
    copyFileSync(script, join(chroot, 'tmp', 'os-policy-oracle.py'));
    command = 'chroot';
    args = [chroot, 'python3', '/tmp/os-policy-oracle.py'];
  } else if (!existsSync(PYTHON)) {
    throw new Error(`${PYTHON} is missing: the oracle needs Debian's python3 with python3-oslo.policy`);
  }
  const run = spawnSync(command, args, {
    input: requestText ?? JSON.stringify({ jobs }),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`the oracle failed (${run.status}): ${run.stderr.slice(-2000)}`);
  return run.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as OracleJobResult);
}

/** The rules oslo.policy's own `parse_file_contents` reads from each text, as their `str`. */
export function parsedByOslo(texts: readonly string[]): Record<string, string>[] {
  const script = [
    'import json, sys',
    'from oslo_policy import policy',
    'for text in json.load(sys.stdin):',
    '    rules = policy.parse_file_contents(text)',
    '    print(json.dumps({name: str(rule) for name, rule in rules.items()}))',
  ];
  return linesOfPython<Record<string, string>>(script, texts, 'parse_file_contents');
}

/** A key of a policy file as Python has it: a `str`, or another type shown by its repr. */
export type OsloKey = readonly ['str', string] | readonly ['other', string];

/** A parsed check as oslo.policy builds it: `['and', [...]]`, `['RuleCheck', kind, match]`... */
export type OsloTree = readonly unknown[];

export type OsloRules =
  { readonly rules: readonly (readonly [OsloKey, OsloTree])[] } | { readonly error: string };

/** Python's side of `OsloKey`. */
const PY_KEY = ['def key(k):', '    return ["str", k] if isinstance(k, str) else ["other", repr(k)]'];

/** Each text as oslo.policy's `Rules.load` reads it: every key with its check tree, in order. */
export function rulesByOslo(texts: readonly string[]): OsloRules[] {
  const script = [
    'import json, sys',
    'from oslo_policy import policy, _checks, _parser',
    'def tree(c):',
    '    if isinstance(c, _checks.AndCheck): return ["and", [tree(r) for r in c.rules]]',
    '    if isinstance(c, _checks.OrCheck): return ["or", [tree(r) for r in c.rules]]',
    '    if isinstance(c, _checks.NotCheck): return ["not", tree(c.rule)]',
    '    if isinstance(c, _checks.TrueCheck): return ["true"]',
    '    if isinstance(c, _checks.FalseCheck): return ["false"]',
    '    if isinstance(c, _checks.Check): return [type(c).__name__, c.kind, c.match]',
    '    return ["other", repr(c)]',
    ...PY_KEY,
    'for text in json.load(sys.stdin):',
    '    try:',
    '        rules = policy.parse_file_contents(text)',
    '        print(json.dumps({"rules": [[key(k), tree(_parser.parse_rule(v))] for k, v in rules.items()]}))',
    '    except Exception as e:',
    '        print(json.dumps({"error": type(e).__name__ + ": " + str(e)[:200]}))',
  ];
  return linesOfPython<OsloRules>(script, texts, 'Rules.load');
}

/**
 * Python that wraps `method` (a function of the library, `module.Class.name`) to count how deeply
 * its calls nest: the deepest since the last reset is in `state["deepest"]`.
 */
function nestingCounter(method: string): string[] {
  return [
    'sys.setrecursionlimit(20000)',
    'state = {"depth": 0, "deepest": 0}',
    `original = ${method}`,
    'def counted(*args, **kwargs):',
    '    state["depth"] += 1',
    '    state["deepest"] = max(state["deepest"], state["depth"])',
    '    try:',
    '        return original(*args, **kwargs)',
    '    finally:',
    '        state["depth"] -= 1',
    `${method} = counted`,
  ];
}

/**
 * How deep `check_rules` recurses on each text's rules: the deepest nesting of `_cycle_check`
 * calls (one per check it visits), counted by wrapping the library's own method.
 */
export function checkRulesDepthByOslo(texts: readonly string[]): number[] {
  const script = [
    'import json, sys',
    'from oslo_policy import policy',
    ...nestingCounter('policy.Enforcer._cycle_check'),
    'for text in json.load(sys.stdin):',
    '    enforcer = policy.Enforcer.__new__(policy.Enforcer)',
    '    enforcer.rules = policy.Rules.load(text)',
    '    state["deepest"] = 0',
    '    enforcer.check_rules()',
    '    print(state["deepest"])',
  ];
  return linesOfPython<number>(script, texts, 'check_rules');
}

/**
 * How deep oslo.policy's parser recurses on each check string: the deepest nesting of
 * `ParseState.reduce` calls (it calls itself after each reduction), counted by wrapping it.
 */
export function parseDepthByOslo(texts: readonly string[]): number[] {
  const script = [
    'import json, logging, sys',
    'from oslo_policy import _parser',
    // A string that fails to parse is logged with its traceback: not wanted on stderr here.
    'logging.disable(logging.CRITICAL)',
    ...nestingCounter('_parser.ParseState.reduce'),
    'for text in json.load(sys.stdin):',
    '    state["deepest"] = 0',
    '    _parser._parse_text_rule(text)',
    '    print(state["deepest"])',
  ];
  return linesOfPython<number>(script, texts, 'ParseState.reduce');
}

/** As `parsedByOslo`, one answer per text: its rules, or the message of what it raised. */
export function parsedByOsloOrError(texts: readonly string[]): (Record<string, string> | string)[] {
  const script = [
    'import json, sys',
    'from oslo_policy import policy',
    'for text in json.load(sys.stdin):',
    '    try:',
    '        rules = policy.parse_file_contents(text)',
    '        print(json.dumps({name: str(rule) for name, rule in rules.items()}))',
    '    except Exception as error:',
    '        print(json.dumps(type(error).__name__ + ": " + str(error)))',
  ];
  return linesOfPython<Record<string, string> | string>(script, texts, 'parse_file_contents');
}

/**
 * A rule value as `parse_file_contents` returns it, for comparing the decoding: a string as
 * itself, a list or a dict (its keys, as oslo.policy iterates it) two levels deep, anything
 * else as its type name.
 */
export type OsloValue =
  readonly ['str', string] | readonly ['list', readonly OsloValue[]] | readonly ['other', string];

/** Each text's `parse_file_contents`: its (deduplicated) keys, str or repr, with their values; or what it raised. */
export function valuesByOslo(
  texts: readonly string[],
): ({ readonly items: readonly (readonly [OsloKey, OsloValue])[] } | { readonly error: string })[] {
  const script = [
    'import json, sys, logging',
    'logging.disable(logging.CRITICAL)',
    'from oslo_policy import policy',
    'def value(v, depth=0):',
    '    if isinstance(v, str): return ["str", v]',
    '    if isinstance(v, (list, dict)): return ["list", [value(x, depth + 1) for x in v] if depth < 2 else []]',
    '    return ["other", type(v).__name__]',
    ...PY_KEY,
    'for text in json.load(sys.stdin):',
    '    try:',
    '        rules = policy.parse_file_contents(text)',
    '        print(json.dumps({"items": [[key(k), value(v)] for k, v in rules.items()]}))',
    '    except Exception as e:',
    '        print(json.dumps({"error": type(e).__name__ + ": " + str(e)[:200]}))',
  ];
  return linesOfPython<{ items: [OsloKey, OsloValue][] } | { error: string }>(
    script,
    texts,
    'parse_file_contents',
  );
}

/** Runs a Python script (lines) on the texts, given as JSON on stdin; one JSON answer per output line. */
function linesOfPython<T>(script: readonly string[], texts: readonly string[], what: string): T[] {
  const run = spawnSync(PYTHON, ['-c', script.join('\n')], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`${what} failed: ${run.stderr.slice(-2000)}`);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}
