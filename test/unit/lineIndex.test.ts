import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/core/text/lineIndex';
import { Random } from '../support/random';

/** Lines as LSP counts them: `\n`, `\r\n` and a lone `\r` each end one. */
function referencePosition(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let start = 0;
  for (let index = 0; index < offset; index++) {
    const code = text.charCodeAt(index);
    const lineFeed = code === 0x0a;
    const loneReturn = code === 0x0d && text.charCodeAt(index + 1) !== 0x0a;
    if (lineFeed || loneReturn) {
      line++;
      start = index + 1;
    }
  }
  return { line, character: offset - start };
}

describe('line index', () => {
  it('maps every offset of random texts (with and without carriage returns) to its line and back', () => {
    const random = new Random(11);
    for (let round = 0; round < 200; round++) {
      const alphabet =
        round % 2 === 0 ? ['a', 'b', ' ', '\n', 'é', '😀'] : ['a', '\n', '\r', '\r\n', ' ', '😀'];
      const text = Array.from({ length: random.int(0, 60) }, () => random.pick(alphabet)).join('');
      const lines = new LineIndex(text);
      for (let offset = 0; offset <= text.length; offset++) {
        const position = lines.position(offset);
        assert.deepEqual(
          position,
          referencePosition(text, offset),
          `offset ${offset} of ${JSON.stringify(text)}`,
        );
        // Offsets inside a CRLF pair map to its start; every other offset maps back to itself.
        const inPair = text[offset - 1] === '\r' && text[offset] === '\n';
        if (!inPair) assert.equal(lines.offset(position.line, position.character), offset);
      }
    }
  });
});
