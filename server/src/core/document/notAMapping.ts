import { pyTypeName, type PyValue } from '../python/pyValue';
import type { LoadBehaviour, SyntaxProblem } from './documentTypes';

/**
 * A top level that is not a mapping (and not empty or false: `parsed or {}`), JSON or YAML
 * alike: oslo.policy's `.items()` on it raises AttributeError.
 */
export function notAMapping(
  value: PyValue,
  span: { start: number; end: number },
): { load: LoadBehaviour; problem: SyntaxProblem } {
  const message = `'${pyTypeName(value)}' object has no attribute 'items'`;
  return {
    load: { kind: 'raises', exception: 'AttributeError', message, span },
    problem: {
      span,
      message: `The file is not a mapping of rule names to rules (oslo.policy raises AttributeError: ${message}).`,
      severity: 'error',
      code: 'not-a-mapping',
    },
  };
}

/** A load that fails at `.items()` (not a mapping): only once the whole stream is read, after any syntax error. */
export function failsAfterReading(load: LoadBehaviour): boolean {
  return load.kind === 'raises' && load.exception === 'AttributeError';
}

/** Without the not-a-mapping problem: when something fails first, `.items()` is never reached. */
export function withoutNotAMapping(problems: readonly SyntaxProblem[]): SyntaxProblem[] {
  return problems.filter((problem) => problem.code !== 'not-a-mapping');
}
