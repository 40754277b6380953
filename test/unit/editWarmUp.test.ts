import assert from 'node:assert/strict';
import { bigPolicyFile } from '../bench/bigPolicy';
import { Random } from '../support/random';
import type { DocumentCaches } from '../../server/src/core/features/analysis';
import { EditWarmUp, rehearsalOf, WARM_UP_MIN_ENTRIES } from '../../server/src/lsp/editWarmUp';
import { documentAt } from './featureHelpers';

/** A scheduler and clock the test moves by hand. */
function manualTime(): {
  schedule: (run: () => void, delayMs: number) => void;
  now: () => number;
  delays: number[];
  runNext: () => boolean;
  advance: (ms: number) => void;
} {
  let time = 0;
  const queue: (() => void)[] = [];
  const delays: number[] = [];
  return {
    schedule: (run, delayMs) => {
      delays.push(delayMs);
      queue.push(run);
    },
    now: () => time,
    delays,
    runNext: () => {
      const run = queue.shift();
      run?.();
      return run !== undefined;
    },
    advance: (ms) => {
      time += ms;
    },
  };
}

describe('rehearsing keystrokes after a big document is opened', () => {
  const big = documentAt(bigPolicyFile(new Random(3), 4000), { uri: 'file:///srv/big/policy.yaml' });

  it('rehearses on the first entries of the document, typing inside values and names and deleting again', () => {
    const rehearsal = rehearsalOf(big.analysis)!;
    const [slice, ...edits] = rehearsal.texts;
    assert.ok(big.text.startsWith(slice) && slice.endsWith('\n'));
    const sliceDocument = documentAt(slice);
    assert.equal(sliceDocument.analysis.file.entries.length, 500);
    assert.equal(edits.length, 30);
    let inNames = 0;
    edits.forEach((text, index) => {
      if (index % 2 === 1) return assert.equal(text, slice, 'every typed character is deleted again');
      assert.equal(text.length, slice.length + 1);
      let at = 0;
      while (text[at] === slice[at]) at++;
      assert.equal(text[at], 'x');
      const entry = sliceDocument.analysis.file.entries.find(
        ({ entry: e }) => e.span.start <= at && at < e.span.end,
      )!.entry;
      const inValue = entry.value.span.start < at && at < entry.value.span.end;
      const inName = entry.keySpan.start < at && at < entry.keySpan.end;
      assert.ok(inValue || inName, `edit ${index} at ${at} is inside a value or a name`);
      if (inName) inNames++;
    });
    assert.equal(inNames, 3);
  });

  it('rehearses a file of a real service size on its first quarter', () => {
    const neutronSized = documentAt(bigPolicyFile(new Random(4), 400));
    const [slice] = rehearsalOf(neutronSized.analysis)!.texts;
    assert.equal(documentAt(slice).analysis.file.entries.length, 100);
  });

  it('is not needed for small documents, and not done for JSON', () => {
    assert.equal(
      rehearsalOf(documentAt(bigPolicyFile(new Random(3), WARM_UP_MIN_ENTRIES - 2)).analysis),
      null,
    );
    const json = `{\n${Array.from({ length: WARM_UP_MIN_ENTRIES }, (_, i) => `"r${i}": "role:admin"`).join(',\n')}\n}\n`;
    const analysis = documentAt(json, { uri: 'file:///srv/big/policy.json' }).analysis;
    assert.equal(analysis.file.document.format, 'json');
    assert.equal(rehearsalOf(analysis), null);
  });

  it('runs once, one step at a time, versions in order with one set of caches, after the line offsets', () => {
    const time = manualTime();
    const calls: { uri: string; text: string; version: number; caches: DocumentCaches }[] = [];
    const prepared: string[] = [];
    const warmUp = new EditWarmUp(
      (uri, text, version, caches) => calls.push({ uri, text, version, caches }),
      (uri) => prepared.push(uri),
      time.schedule,
      time.now,
    );
    warmUp.analysed(big.analysis);
    warmUp.analysed(big.analysis);
    assert.ok(time.runNext());
    assert.deepEqual(prepared, [big.analysis.uri]);
    assert.equal(calls.length, 0);
    assert.ok(time.runNext());
    assert.equal(calls.length, 1, 'one analysis per step');
    while (time.runNext());
    const texts = rehearsalOf(big.analysis)!.texts;
    assert.deepEqual(
      calls.map((call) => call.version),
      texts.map((_, index) => index + 1),
    );
    assert.deepEqual(
      calls.map((call) => call.text),
      texts,
    );
    assert.ok(calls.every((call) => call.caches === calls[0].caches && call.uri === big.analysis.uri));
    // A second big document later: the JIT is warm already.
    warmUp.analysed(big.analysis);
    assert.equal(time.runNext(), false);
  });

  it('waits for a quiet moment after real work before its next step', () => {
    const time = manualTime();
    let analysed = 0;
    const warmUp = new EditWarmUp(() => analysed++, undefined, time.schedule, time.now);
    warmUp.analysed(big.analysis);
    time.runNext();
    time.runNext();
    assert.equal(analysed, 1);
    warmUp.busy();
    time.advance(5);
    time.runNext();
    assert.equal(analysed, 1, 'no step 5 ms after a message');
    assert.equal(time.delays.at(-1), 15, 'the step is put off until 20 ms after it');
    time.advance(15);
    time.runNext();
    assert.equal(analysed, 2);
  });

  it('stops quietly when an analysis fails', () => {
    const time = manualTime();
    let attempts = 0;
    const warmUp = new EditWarmUp(
      () => {
        attempts++;
        throw new Error('broken');
      },
      undefined,
      time.schedule,
      time.now,
    );
    warmUp.analysed(big.analysis);
    while (time.runNext());
    assert.equal(attempts, 1);
  });
});
