/** Offsets to (line, character) pairs, both zero-based, UTF-16 as in LSP. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 0x0a) this.starts.push(index + 1);
      else if (code === 0x0d && text.charCodeAt(index + 1) !== 0x0a) this.starts.push(index + 1);
    }
  }

  position(offset: number): { line: number; character: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: offset - this.starts[low] };
  }

  offset(line: number, character: number): number {
    const start = this.starts[Math.min(Math.max(line, 0), this.starts.length - 1)];
    return start + Math.max(character, 0);
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
