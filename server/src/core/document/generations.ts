/**
 * A map for caches kept across the versions of a document: what the last reading did not use
 * is forgotten at its end. One lookup per use (a pair of current/previous maps needs up to
 * three), which counts when a 10,000-rule file is read again after every keystroke.
 */
export class GenerationMap<V> {
  private readonly map = new Map<string, GenerationRecord<V>>();
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

  /** Stores `value`; the record returned lets `touch` mark it used without the key. */
  set(key: string, value: V): GenerationRecord<V> {
    const found = this.map.get(key);
    if (found) {
      if (found.used !== this.generation) this.usedNow++;
      found.value = value;
      found.used = this.generation;
      return found;
    }
    const record = { value, used: this.generation };
    this.map.set(key, record);
    this.usedNow++;
    return record;
  }

  /** Marks a record used in this reading, as `get` of its key would (when it is still held). */
  touch(record: GenerationRecord<V>): boolean {
    if (record.used === this.generation) return true;
    if (record.used !== this.generation - 1) return false;
    record.used = this.generation;
    this.usedNow++;
    return true;
  }

  /** Ends a reading: drops the entries it did not use once they are a good part of the map. */
  endReading(): void {
    if (this.map.size > 2 * this.usedNow + 64) {
      for (const [key, entry] of this.map) if (entry.used !== this.generation) this.map.delete(key);
    }
    this.generation++;
    this.usedNow = 0;
  }
}

export interface GenerationRecord<V> {
  value: V;
  used: number;
}
