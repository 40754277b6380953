/**
 * A map for caches kept across the versions of a document: what the last reading did not use
 * is forgotten at its end. One lookup per use (a pair of current/previous maps needs up to
 * three), which counts when a 10,000-rule file is read again after every keystroke.
 */
export class GenerationMap<V> {
  private map = new Map<string, GenerationRecord<V>>();
  private generation = 0;
  private usedNow = 0;

  get(key: string): V | undefined {
    const found = this.map.get(key);
    if (!found) return undefined;
    if (found.used !== this.generation) {
      found.used = this.generation;
      this.usedNow++;
    }
    return found.value;
  }

  set(key: string, value: V): void {
    const found = this.map.get(key);
    if (found) {
      if (found.used !== this.generation) this.usedNow++;
      found.value = value;
      found.used = this.generation;
      return;
    }
    this.map.set(key, { value, used: this.generation });
    this.usedNow++;
  }

  /** Ends a reading: drops the entries it did not use once they are a good part of the map. */
  endReading(): void {
    if (this.map.size > 2 * this.usedNow + 64) {
      // Copying the few that were used is faster than deleting the many that were not: the
      // first edit after opening a 10,000-rule file used a handful of its 10,000 readings.
      const kept = new Map<string, GenerationRecord<V>>();
      for (const [key, entry] of this.map) if (entry.used === this.generation) kept.set(key, entry);
      this.map = kept;
    }
    this.generation++;
    this.usedNow = 0;
  }
}

interface GenerationRecord<V> {
  value: V;
  used: number;
}
