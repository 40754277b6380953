import type { Span } from '../check/checkTypes';
import type { LoadedFile, ParsedEntry } from '../engine/loadPolicy';
import { LineIndex } from '../text/lineIndex';

/** Another file oslo.policy loads with this one (the main file, a policy.d file). */
export interface PolicyLayer {
  readonly uri: string;
  readonly file: LoadedFile;
}

/** The files loaded before this one (each overridden by it key by key) and after it. */
export interface PolicyLayers {
  readonly before: readonly PolicyLayer[];
  readonly after: readonly PolicyLayer[];
}

export const NO_LAYERS: PolicyLayers = { before: [], after: [] };

/** Where another file defines a name: the entry, its key's span there, its (0-based) line. */
export interface LayerDefinition {
  readonly layer: PolicyLayer;
  readonly entry: ParsedEntry;
  readonly keySpan: Span;
  readonly line: number;
}

/** Winning entries by name, per loaded file: files read from disk stay the same object across edits. */
const winnersByFile = new WeakMap<LoadedFile, ReadonlyMap<string, ParsedEntry>>();
const linesByFile = new WeakMap<LoadedFile, LineIndex>();

/** A file's winning entries by name (the last of a duplicated key), made once per loaded file. */
export function winnersOf(file: LoadedFile): ReadonlyMap<string, ParsedEntry> {
  let winners = winnersByFile.get(file);
  if (!winners) {
    const byName = new Map<string, ParsedEntry>();
    for (const entry of file.entries)
      if (entry.wins && entry.entry.name !== null) byName.set(entry.entry.name, entry);
    winnersByFile.set(file, (winners = byName));
  }
  return winners;
}

function definitionIn(layer: PolicyLayer, name: string): LayerDefinition | null {
  const entry = winnersOf(layer.file).get(name);
  if (!entry) return null;
  let lines = linesByFile.get(layer.file);
  if (!lines) linesByFile.set(layer.file, (lines = new LineIndex(layer.file.document.text)));
  const keySpan = entry.entry.keySpan;
  return { layer, entry, keySpan, line: lines.position(keySpan.start).line };
}

/** The last file loaded after this one that defines `name`: its rule replaces this file's. */
export function laterDefinition(layers: PolicyLayers, name: string): LayerDefinition | null {
  for (let index = layers.after.length - 1; index >= 0; index--) {
    const found = definitionIn(layers.after[index], name);
    if (found) return found;
  }
  return null;
}

/** The last file loaded before this one that defines `name`: it wins where this file does not. */
export function earlierDefinition(layers: PolicyLayers, name: string): LayerDefinition | null {
  for (let index = layers.before.length - 1; index >= 0; index--) {
    const found = definitionIn(layers.before[index], name);
    if (found) return found;
  }
  return null;
}

/**
 * The other file whose definition of `name` oslo.policy keeps after merging, as
 * `Rules.load` of each file in turn replaces keys: a later file's always, an earlier one's
 * when this file does not define the name. Null when this file's own definition wins (or none).
 */
export function winningLayerDefinition(
  layers: PolicyLayers,
  name: string,
  definedHere: boolean,
): LayerDefinition | null {
  return laterDefinition(layers, name) ?? (definedHere ? null : earlierDefinition(layers, name));
}

/**
 * `rule:` names that the other files' rules refer to: each file's winning entries whose rule
 * survives the merge, that is no file loaded after it (this one, whose names are `ownNames`,
 * included) defines the same name.
 */
export function namesReferencedByLayers(
  layers: PolicyLayers,
  ownNames: { has(name: string): boolean },
): Set<string> {
  const referenced = new Set<string>();
  const order = [
    ...layers.before.map((layer) => winnersOf(layer.file)),
    ownNames,
    ...layers.after.map((layer) => winnersOf(layer.file)),
  ];
  const own = layers.before.length;
  order.forEach((winners, index) => {
    if (index === own) return;
    const later = order.slice(index + 1);
    for (const [name, entry] of winners as ReadonlyMap<string, ParsedEntry>) {
      if (later.some((names) => names.has(name))) continue;
      for (const reference of entry.references) referenced.add(reference.match);
    }
  });
  return referenced;
}

/** Names some file loaded after this one defines: this file's rules of those names have no effect. */
export function namesDefinedLater(layers: PolicyLayers): Set<string> {
  const names = new Set<string>();
  for (const layer of layers.after) for (const name of winnersOf(layer.file).keys()) names.add(name);
  return names;
}

/** How a layer is named to the user: its path from this file's folder when near, else its URI. */
export function layerLabel(thisUri: string, layerUri: string): string {
  const folder = thisUri.slice(0, thisUri.lastIndexOf('/') + 1);
  if (layerUri.startsWith(folder)) return decodeURIComponent(layerUri.slice(folder.length));
  const parent = folder.slice(0, folder.slice(0, -1).lastIndexOf('/') + 1);
  if (parent.length > 0 && layerUri.startsWith(parent))
    return `../${decodeURIComponent(layerUri.slice(parent.length))}`;
  return layerUri;
}

/** The other files that define `name` or refer to it (`rule:name`), in load order. */
export function layersUsing(layers: PolicyLayers, name: string): PolicyLayer[] {
  return [...layers.before, ...layers.after].filter((layer) =>
    layer.file.entries.some(
      (entry) => entry.entry.name === name || entry.references.some((reference) => reference.match === name),
    ),
  );
}
