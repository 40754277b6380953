/**
 * Python's recursion limit, as it bites oslo.policy.
 *
 * oslo.policy parses, checks and evaluates rules recursively, and CPython 3.11 stops at 1,000
 * units of depth (a Python frame or a C-level call such as `instance(...)`). Measured with
 * python3-oslo.policy 4.0.0 from a shallow caller: evaluation costs 3 units per nested
 * and/or/not level or `rule:` hop (328 levels pass); parsing costs 1 unit per consecutive
 * reduction (a chain of 991 `not`s parses); `check_rules` costs 1 unit per rule hop or and/or
 * level (991); `str(check)` 4 units per and/or level and 2 per `not`.
 *
 * A real service calls the library from a stack of unknown depth (WSGI, middleware), so a
 * cost is only certain to pass below a bound that leaves room for that stack, and certain to
 * raise at the limit. Between the two the answer depends on the service: say so.
 */
export const PYTHON_RECURSION_LIMIT = 1000;

/** Units we assume the calling service may already use when it calls oslo.policy. */
export const SERVICE_STACK_ALLOWANCE = 300;

export const EVAL_UNITS_PER_LEVEL = 3;
/**
 * Frames a leaf check uses on top of its level (`inspect.getfullargspec`). Measured from the
 * oracle's shallow caller: a leaf 329 levels deep passes, one 330 deep raises.
 */
export const EVAL_LEAF_UNITS = 12;

/**
 * What evaluating too deep raises. The limit is first crossed inside `_checks._check`'s
 * `inspect.getfullargspec`, which re-raises whatever it meets as this TypeError.
 */
export const EVAL_DEPTH_EXCEPTION = 'TypeError';
export const EVAL_DEPTH_MESSAGE = 'unsupported callable';
export const PARSE_UNITS_PER_REDUCTION = 1;
export const CHECK_RULES_UNITS_PER_STEP = 1;
export const STR_UNITS_PER_JUNCTION = 4;
export const STR_UNITS_PER_NOT = 2;

export type DepthVerdict = 'safe' | 'unpredictable' | 'raises';

/** `units` is the cost of the operation itself, without the caller's stack. */
export function judgeDepth(units: number): DepthVerdict {
  if (units + SERVICE_STACK_ALLOWANCE <= PYTHON_RECURSION_LIMIT) return 'safe';
  if (units >= PYTHON_RECURSION_LIMIT) return 'raises';
  return 'unpredictable';
}

export const RECURSION_MESSAGE = 'maximum recursion depth exceeded';

export function unpredictableDepthReason(what: string): string {
  return (
    `${what} nests so deeply that whether oslo.policy hits Python's recursion limit ` +
    `(${PYTHON_RECURSION_LIMIT}) depends on the calling service's own stack depth`
  );
}
