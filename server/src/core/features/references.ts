import { matchSpanOf, type Span } from '../check/checkTypes';
import type { LoadedFile } from '../engine/loadPolicy';
import type { PolicyAnalysis } from './analysis';
import { cursorTarget } from './cursor';
import { winningLayerDefinition } from './layers';
import { ruleReferences } from './ruleGraph';

/** A rule name at the cursor: on a key, or in a `rule:` reference. */
export function ruleNameAt(analysis: PolicyAnalysis, offset: number): { name: string; span: Span } | null {
  const target = cursorTarget(analysis, offset);
  if (target.kind === 'key' && target.entry.entry.name !== null)
    return { name: target.entry.entry.name, span: target.entry.entry.keySpan };
  if (target.kind === 'leaf' && target.leaf.kindClass === 'rule' && target.part === 'match') {
    return { name: target.leaf.match, span: matchSpanOf(target.leaf) };
  }
  return null;
}

export interface Occurrence {
  readonly span: Span;
  readonly isDefinition: boolean;
}

/** Every key defining `name` and every `rule:name` in the file. */
export function occurrences(analysis: PolicyAnalysis, name: string): Occurrence[] {
  return occurrencesIn(analysis.file, name);
}

/** policy.d: the occurrences of `name` in the other files loaded with this one, in load order. */
export function layerOccurrences(
  analysis: PolicyAnalysis,
  name: string,
): { readonly uri: string; readonly text: string; readonly occurrences: Occurrence[] }[] {
  return [...analysis.layers.before, ...analysis.layers.after].flatMap((layer) => {
    const found = occurrencesIn(layer.file, name);
    return found.length > 0 ? [{ uri: layer.uri, text: layer.file.document.text, occurrences: found }] : [];
  });
}

function occurrencesIn(file: LoadedFile, name: string): Occurrence[] {
  const found: Occurrence[] = [];
  for (const { entry, parsed } of file.entries) {
    if (entry.name === name) found.push({ span: entry.keySpan, isDefinition: true });
    for (const reference of ruleReferences(parsed.display)) {
      if (reference.match === name) found.push({ span: matchSpanOf(reference), isDefinition: false });
    }
  }
  return found.sort((a, b) => a.span.start - b.span.start);
}

export type Definition =
  | { readonly kind: 'file'; readonly span: Span }
  | { readonly kind: 'layer'; readonly uri: string; readonly text: string; readonly span: Span }
  | { readonly kind: 'default'; readonly name: string }
  | null;

/**
 * Where `rule:x` is defined as oslo.policy merges the files: in this file, in a policy.d file
 * (a later one replaces this file's), or among the registered defaults (the sample document).
 */
export function definition(analysis: PolicyAnalysis, offset: number): Definition {
  const at = ruleNameAt(analysis, offset);
  if (!at) return null;
  const entry = analysis.byName.get(at.name);
  const elsewhere = winningLayerDefinition(analysis.layers, at.name, entry !== undefined);
  if (elsewhere)
    return {
      kind: 'layer',
      uri: elsewhere.layer.uri,
      text: elsewhere.layer.file.document.text,
      span: elsewhere.keySpan,
    };
  if (entry) return { kind: 'file', span: entry.entry.keySpan };
  if (analysis.registered.has(at.name)) return { kind: 'default', name: at.name };
  return null;
}
