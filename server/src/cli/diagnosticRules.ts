import { EVAL_DEPTH_EXCEPTION, EVAL_DEPTH_MESSAGE } from '../core/engine/recursionLimit';
import type { DiagnosticSeverity } from '../core/features/diagnosticTypes';

/** What a diagnostic code means and what to do about it: SARIF `rules` and `--format json` help. */
export interface DiagnosticRule {
  readonly id: string;
  readonly title: string;
  readonly help: string;
  /** The severity the analysis gives it most often (some codes vary with the case). */
  readonly severity: DiagnosticSeverity;
}

const RULES: readonly DiagnosticRule[] = [
  rule(
    'yaml-syntax',
    'YAML syntax error',
    'error',
    'PyYAML cannot read the file: oslo.policy fails to load it and every request the service checks raises. Fix the YAML at the reported position.',
  ),
  rule(
    'yaml-tab',
    'Tab where YAML forbids it',
    'error',
    'PyYAML refuses tabs used as indentation or between tokens (the JavaScript yaml package accepts some). Replace the tab with spaces.',
  ),
  rule(
    'yaml-character',
    'Character PyYAML refuses',
    'error',
    'Control and other non-printable characters make PyYAML refuse the file. Remove the character or write it as an escape in a double-quoted string.',
  ),
  rule(
    'yaml-line-break',
    'Unusual line break',
    'warning',
    'NEL, LS and PS are line breaks for PyYAML but not for most editors: the value is not what it looks like. Use a plain newline.',
  ),
  rule(
    'json-syntax',
    'JSON syntax error',
    'error',
    'json.loads refuses the file and the YAML fallback fails too: oslo.policy cannot load it. Fix the JSON at the reported position.',
  ),
  rule(
    'not-a-mapping',
    'Not a mapping of rules',
    'error',
    'A policy file must be a mapping of rule names to check strings; oslo.policy raises on anything else.',
  ),
  rule(
    'not-a-string',
    'Value is not a check string',
    'error',
    'Numbers, booleans and dates are not check strings: loading fails (or, for false/no/empty values, the rule allows everyone). Quote the value.',
  ),
  rule(
    'load-failure',
    'oslo.policy cannot load the policy',
    'error',
    'Loading the file or checking its rules raises in oslo.policy, so every request the service checks fails. The message names the cause.',
  ),
  rule(
    'parse-failure',
    'Check string does not parse',
    'error',
    'oslo.policy cannot parse this check string and denies the whole rule. Balance the parentheses and operators.',
  ),
  rule(
    'no-colon',
    'Check without a colon',
    'error',
    'A check token without a colon is not a check: oslo.policy logs an error and treats it as always false.',
  ),
  rule(
    'plain-string-rule',
    'Rule stored as a plain string',
    'error',
    "A lone quoted word, `not` or `(` is stored as a plain string; enforcing the rule raises. Write a real check such as 'role:admin'.",
  ),
  rule(
    'paren-inside-token',
    'Parenthesis glued inside a token',
    'error',
    'oslo.policy only splits parentheses at the edges of whitespace-separated pieces: `(role:a)and(role:b)` is ONE check. Add spaces.',
  ),
  rule(
    'whitespace-only',
    'Check string is only whitespace',
    'error',
    "A check string of whitespace denies everyone, unlike the empty string which allows everyone. Write '@', '!' or a real check.",
  ),
  rule(
    'duplicate-key',
    'Duplicate rule',
    'warning',
    'The rule is defined again later in the same file; only the last definition applies. Remove the earlier one.',
  ),
  rule(
    'overridden-by-layer',
    'Rule replaced by a later policy.d file',
    'warning',
    'A file oslo.policy loads after this one (a policy.d file, in sorted order) defines the same name: its rule replaces this one, which has no effect. Remove one of the two.',
  ),
  rule(
    'undefined-rule',
    'Undefined rule reference',
    'warning',
    'rule:x names a rule that is neither in the file nor registered: oslo.policy uses the default rule there (or the check is false without one). Define the rule or fix the name.',
  ),
  rule(
    'rule-cycle',
    'Rules refer to each other in a cycle',
    'error',
    `Evaluating a rule on the cycle recurses to Python's recursion limit: the enforcement raises ${EVAL_DEPTH_EXCEPTION} (${EVAL_DEPTH_MESSAGE}). Break the cycle.`,
  ),
  rule(
    'unknown-policy',
    'Unknown policy name',
    'warning',
    'The name is not a policy of the service (for this release) and no rule refers to it: the override has no effect. Check the spelling and the release.',
  ),
  rule(
    'deprecated-name',
    'Deprecated policy name',
    'warning',
    'The name was renamed; oslo.policy still maps it to the new name for now. Rename it (os-policy upgrade).',
  ),
  rule(
    'deprecated-policy',
    'Policy deprecated for removal',
    'warning',
    'The service will drop this policy; the override will stop having an effect.',
  ),
  rule(
    'redundant-override',
    'Override equal to the registered default',
    'hint',
    'The override repeats the registered default (as oslopolicy-list-redundant reports). Remove it to follow future defaults (os-policy redundant --write).',
  ),
  rule(
    'allows-anyone-write',
    'Anyone may write',
    'warning',
    "'@' or an empty check on a policy whose operations write (POST, PUT, PATCH, DELETE) allows any authenticated user. Restrict it.",
  ),
  rule(
    'external-check',
    'HTTP check',
    'warning',
    'An http:/https: check makes oslo.policy POST the target and credentials to that URL on every request. This tool never calls it; simulations show it as unknown.',
  ),
  rule(
    'kind-case',
    'Check kind in the wrong case',
    'warning',
    "Kinds are case-sensitive: 'Role:admin' is a lookup of a credential named 'Role', almost always false. Write the kind in lower case.",
  ),
  rule(
    'raises-at-enforcement',
    'Check raises when enforced',
    'error',
    'oslo.policy raises when it evaluates this check (a kind ast.literal_eval rejects, a bad % format): every request reaching it fails.',
  ),
  rule(
    'unknown-attribute',
    'Target attribute the service never provides',
    'warning',
    'No registered default of the service uses this %(attribute)s: the target probably never has it, and a missing key makes the check false.',
  ),
  rule(
    'deprecated-json',
    'JSON policy file',
    'warning',
    'JSON policy files are deprecated since Wallaby and oslo.policy 5.0 no longer reads policy.json. Convert it (os-policy convert).',
  ),
  rule(
    'file-too-large',
    'File too large to analyse',
    'warning',
    'The file is above the size this tool analyses (10 MiB); it was not checked.',
  ),
];

function rule(id: string, title: string, severity: DiagnosticSeverity, help: string): DiagnosticRule {
  return { id, title, severity, help };
}

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function diagnosticRules(): readonly DiagnosticRule[] {
  return RULES;
}

/** The rule of a code; a code added to the analysis later still gets a (generic) rule. */
export function diagnosticRule(code: string): DiagnosticRule {
  return (
    BY_ID.get(code) ?? {
      id: code,
      title: code,
      severity: 'warning',
      help: 'See the message of each result.',
    }
  );
}
