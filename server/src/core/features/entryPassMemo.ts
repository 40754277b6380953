import { shiftSpan } from '../document/shiftEntry';
import type { LoadedFile, ParsedEntry } from '../engine/loadPolicy';
import type { PolicyDiagnostic } from './diagnosticTypes';

/** The entries a pass had something to say about, in entry order, with what it said. */
export interface EntryAnswers<R> {
  readonly indices: readonly number[];
  readonly answers: readonly R[];
}

/**
 * The answers of a pass over a file's entries, remembered for the next version of the document.
 * Answers must depend on the entry alone (and on `key`) and not on where it is: an edit then
 * costs a visit of the entries it touched (see `LoadedFile.reuse`), not of all 10,000, and the
 * caller places what it reports with each entry's `base`.
 */
export class EntryPassMemo<R> {
  private generation = -1;
  private key: readonly unknown[] = [];
  private last: EntryAnswers<R> = { indices: [], answers: [] };

  run(
    file: LoadedFile,
    key: readonly unknown[],
    answer: (entry: ParsedEntry, index: number) => R | null,
  ): EntryAnswers<R> {
    const entries = file.entries;
    const sameKey = key.length === this.key.length && key.every((part, index) => part === this.key[index]);
    if (file.generation !== undefined && file.generation === this.generation && sameKey) return this.last;
    const reuse = file.reuse;
    const indices: number[] = [];
    const answers: R[] = [];
    const visit = (from: number, to: number): void => {
      for (let index = from; index < to; index++) {
        const found = answer(entries[index], index);
        if (found !== null) {
          indices.push(index);
          answers.push(found);
        }
      }
    };
    if (reuse && reuse.previousGeneration === this.generation && sameKey) {
      const old = this.last;
      let at = 0;
      for (; at < old.indices.length && old.indices[at] < reuse.prefix; at++) {
        indices.push(old.indices[at]);
        answers.push(old.answers[at]);
      }
      visit(reuse.prefix, entries.length - reuse.suffix);
      const suffixFrom = reuse.previousCount - reuse.suffix;
      const shift = entries.length - reuse.previousCount;
      while (at < old.indices.length && old.indices[at] < suffixFrom) at++;
      for (; at < old.indices.length; at++) {
        indices.push(old.indices[at] + shift);
        answers.push(old.answers[at]);
      }
    } else visit(0, entries.length);
    const result = { indices, answers };
    if (file.generation !== undefined) {
      this.generation = file.generation;
      this.key = key;
      this.last = result;
    }
    return result;
  }
}

/** Diagnostics answered relative to each entry's value, placed in the document (entry order). */
export function placedDiagnostics(
  file: LoadedFile,
  found: EntryAnswers<readonly PolicyDiagnostic[]>,
): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = [];
  found.indices.forEach((index, at) => {
    const base = file.entries[index].base;
    for (const diagnostic of found.answers[at])
      diagnostics.push({ ...diagnostic, span: shiftSpan(diagnostic.span, base) });
  });
  return diagnostics;
}
