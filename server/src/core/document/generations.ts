/**
 * A map for caches kept across the versions of a document: what the last reading did not use
 * is forgotten at its end. One lookup per use (a pair of current/previous maps needs up to
 * three), which counts when a 10,000-rule file is read again after every keystroke.
 */
export class GenerationMap<V> {
  private map = new Map<string, GenerationRecord<V>>();
  private generation = 0;
  /** The keys used in this reading, each once. */
  private usedKeys: string[] = [];

  get(key: string): V | undefined {
    const found = this.map.get(key);
    if (!found) return undefined;
    if (found.used !== this.generation) {
      found.used = this.generation;
      this.usedKeys.push(key);
    }
    return found.value;
  }

  set(key: string, value: V): void {
    const found = this.map.get(key);
    if (found) {
      if (found.used !== this.generation) this.usedKeys.push(key);
      found.value = value;
      found.used = this.generation;
      return;
    }
    this.map.set(key, { value, used: this.generation });
    this.usedKeys.push(key);
  }

  /** Ends a reading: drops the entries it did not use once they are a good part of the map. */
  endReading(): void {
    const used = this.usedKeys;
    if (this.map.size > 2 * used.length + 64) {
      // Copying the few that were used is faster than deleting the many that were not, and
      // they are found from the list of them, not by a walk over the map: the first edit after
      // opening a 10,000-rule file used a handful of its 10,000 readings (the walk took 6-8 ms).
      const kept = new Map<string, GenerationRecord<V>>();
      for (const key of used) kept.set(key, this.map.get(key)!);
      this.map = kept;
    }
    this.generation++;
    this.usedKeys = [];
  }
}

interface GenerationRecord<V> {
  value: V;
  used: number;
}
