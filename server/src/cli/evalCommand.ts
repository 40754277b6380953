import { parseEnforcedRule } from '../core/check/checkParser';
import { enforceByName, enforceCheck } from '../core/engine/enforce';
import { Evaluator } from '../core/engine/evaluator';
import type { EffectivePolicy } from '../core/engine/effectivePolicy';
import { loadEffectivePolicy } from '../core/engine/loadPolicy';
import type { Outcome } from '../core/engine/outcome';
import { parsePythonJson, PyJsonError } from '../core/python/pyJson';
import { pyDict, type PyValue } from '../core/python/pyValue';
import { openBuiltInCatalog } from '../node/catalogFiles';
import { readPolicyText } from '../node/policyFiles';
import { parseArgs, single, UsageError } from './args';
import { POLICY_FLAGS, policyOptions, readPolicyLayers, registeredRules } from './policyInputs';

export const EVAL_USAGE =
  'os-policy eval --policy FILE|- --cases CASES.json [--namespace NS]... [--release R] ' +
  '[--default-rule NAME] [--enforce-new-defaults] [--enforce-scope] [--policy-dir DIR]...';

/**
 * `os-policy eval`: decides every case as oslo.policy would and prints one JSON line per case:
 * `{"i", "result": true|false|null, "error": null|"Exception: message"}`; `result` is null
 * exactly where oslo.policy raises. A check this tool will not decide (an `http:` check)
 * gives null with `"unknown": reason` and no error.
 */
export function evalCommand(argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, {
    ...POLICY_FLAGS,
    policy: { takesValue: true },
    cases: { takesValue: true },
  });
  const policyPath = single(args, 'policy');
  const casesPath = single(args, 'cases');
  if (!policyPath || !casesPath) throw new UsageError(EVAL_USAGE);
  const cases = readCases(casesPath);
  const layers = readPolicyLayers(policyPath, args);
  const policy = loadEffectivePolicy({
    files: layers.map((layer) => layer.loaded),
    registered: registeredRules(args, openBuiltInCatalog()),
    options: policyOptions(args, openBuiltInCatalog()),
  });
  const lines = evaluateCases(policy, cases);
  lines.forEach((line) => out(JSON.stringify(line)));
  return lines.some((line) => 'invalid' in line) ? 2 : 0;
}

export type EvalLine =
  | { i: number; result: boolean | null; error: string | null; unknown?: string }
  | { i: number; result: null; error: null; invalid: string };

/** The decisions of `os-policy eval`, one per case in order. */
export function evaluateCases(policy: EffectivePolicy, cases: readonly PyValue[]): EvalLine[] {
  const evaluator = new Evaluator();
  return cases.map((item, i): EvalLine => {
    const request = caseRequest(item);
    if (typeof request === 'string') return { i, result: null, error: null, invalid: request };
    const { creds, target } = request;
    let outcome: Outcome;
    if (request.rule !== null) {
      outcome = enforceByName(policy, evaluator, request.rule, { creds, target }).outcome;
    } else {
      const parsed = parseEnforcedRule(request.check!);
      // A check that parses to a plain string is taken by `enforce` as a rule name.
      outcome =
        parsed.type === 'tree'
          ? enforceCheck(policy, evaluator, parsed, { creds, target }).outcome
          : enforceByName(policy, evaluator, parsed.value, { creds, target }).outcome;
    }
    return { i, ...outcomeJson(outcome) };
  });
}

function outcomeJson(outcome: Outcome): { result: boolean | null; error: string | null; unknown?: string } {
  switch (outcome.kind) {
    case 'bool':
      return { result: outcome.value, error: null };
    case 'raises':
      return { result: null, error: `${outcome.exception}: ${outcome.message}` };
    case 'unknown':
      return { result: null, error: null, unknown: outcome.reason };
  }
}

export function readCases(path: string): PyValue[] {
  // Read as policy files are: no further than the size limit (/dev/zero would never end).
  const read = readPolicyText(path);
  if (!read.ok) throw new UsageError(`cannot read ${path}: ${read.message}`);
  let cases: PyValue;
  try {
    cases = parsePythonJson(read.text);
  } catch (error) {
    if (error instanceof PyJsonError) throw new UsageError(`${path} is not valid JSON: ${error.message}`);
    throw error;
  }
  if (cases.t !== 'list') throw new UsageError(`${path} must hold a JSON array of cases`);
  return [...cases.items];
}

interface CaseRequest {
  readonly rule: string | null;
  readonly check: string | null;
  readonly creds: PyValue;
  readonly target: PyValue;
}

/** A case, or why it is not one. Creds and target default to `{}` as in the oracle. */
function caseRequest(item: PyValue): CaseRequest | string {
  if (item.t !== 'dict') return 'a case must be a JSON object';
  const rule = item.map.get('rule');
  const check = item.map.get('check');
  const creds = item.map.get('creds') ?? pyDict([]);
  const target = item.map.get('target') ?? pyDict([]);
  if (rule !== undefined) {
    if (rule.t !== 'str') return '"rule" must be a string';
    return { rule: rule.v, check: null, creds, target };
  }
  if (check !== undefined) {
    if (check.t !== 'str') return '"check" must be a string';
    return { rule: null, check: check.v, creds, target };
  }
  return 'a case needs "rule" or "check"';
}
