/** Offsets to (line, character) pairs, both zero-based, UTF-16 as in LSP. */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** Per line (but the last): 2 when it ends with CRLF, else 1. */
  private readonly breakWidth: number[] = [];
  private readonly length: number;

  constructor(text: string) {
    this.length = text.length;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 0x0a) {
        this.starts.push(index + 1);
        this.breakWidth.push(index > 0 && text.charCodeAt(index - 1) === 0x0d ? 2 : 1);
      } else if (code === 0x0d && text.charCodeAt(index + 1) !== 0x0a) {
        this.starts.push(index + 1);
        this.breakWidth.push(1);
      }
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

  /**
   * The offset of a position. As LSP says, a character past the end of its line means the end
   * of the line, and a line past the last means the last: a client's stale position must not
   * become an offset outside the text.
   */
  offset(line: number, character: number): number {
    const index = Math.min(Math.max(line, 0), this.starts.length - 1);
    const start = this.starts[index];
    let end = index + 1 < this.starts.length ? this.starts[index + 1] : this.length;
    if (index + 1 < this.starts.length) {
      end--;
      if (this.breakWidth[index] === 2) end--;
    }
    return Math.min(start + Math.max(character, 0), end);
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
