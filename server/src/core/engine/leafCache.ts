import { literalEval } from '../python/pyLiteral';
import { strOf } from './pyStrSafe';

/** How a generic check's kind is read: once per distinct kind, cached. */
export type KindReading =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'path'; readonly segments: readonly string[] }
  | { readonly kind: 'raises'; readonly exception: string; readonly message: string }
  | { readonly kind: 'unpredictable'; readonly reason: string };

/**
 * GenericCheck runs `ast.literal_eval(kind)` and `str()` of the result inside one
 * `try ... except ValueError`: a ValueError from either means "not a literal, use the
 * credential path"; any other exception propagates.
 */
export function readKind(kind: string): KindReading {
  const literal = literalEval(kind);
  switch (literal.kind) {
    case 'value': {
      const text = strOf(literal.value);
      if (text.ok) return { kind: 'literal', text: text.text };
      if (text.unpredictable) return { kind: 'unpredictable', reason: text.message };
      if (text.exception === 'ValueError') return { kind: 'path', segments: kind.split('.') };
      return { kind: 'raises', exception: text.exception, message: text.message };
    }
    case 'not-literal':
      return { kind: 'path', segments: kind.split('.') };
    case 'raises':
      return { kind: 'raises', exception: literal.exception, message: literal.message };
    case 'unpredictable':
      return { kind: 'unpredictable', reason: literal.reason };
  }
}

export class LeafCache {
  private readonly kinds = new Map<string, KindReading>();

  literalOf(kind: string): KindReading {
    let reading = this.kinds.get(kind);
    if (reading === undefined) {
      reading = readKind(kind);
      // Hostile files can hold millions of distinct kinds: keep the cache bounded.
      if (this.kinds.size > 10_000) this.kinds.clear();
      this.kinds.set(kind, reading);
    }
    return reading;
  }
}
