import { PyUnpredictableError, pyRepr, pyToStr } from '../python/pyRepr';
import type { PyValue } from '../python/pyValue';

export type StrResult =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      readonly unpredictable: boolean;
      readonly exception: string;
      readonly message: string;
    };

/**
 * Python's `str(value)`, which can fail: a huge int raises ValueError (the 4,300-digit limit)
 * and a set's order may be CPython's hash order, which this tool cannot know.
 */
export function strOf(value: PyValue): StrResult {
  try {
    return { ok: true, text: pyToStr(value) };
  } catch (error) {
    if (error instanceof PyUnpredictableError) {
      return { ok: false, unpredictable: true, exception: 'unpredictable', message: error.message };
    }
    const exception = pythonExceptionName(error);
    if (exception) return { ok: false, unpredictable: false, exception, message: (error as Error).message };
    throw error;
  }
}

function pythonExceptionName(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'exception' in error) {
    const name = error.exception;
    if (typeof name === 'string') return name;
  }
  return null;
}

/** A short rendering of a value for traces and messages. */
export function describePy(value: PyValue): string {
  try {
    const text = pyRepr(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return `<${value.t}>`;
  }
}
