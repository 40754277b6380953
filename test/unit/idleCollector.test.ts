import assert from 'node:assert/strict';
import { exposedCollector, IdleCollector } from '../../server/src/lsp/idleCollector';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('garbage collection in the pauses between keystrokes', () => {
  function recorder(): { calls: string[]; collect: (options?: { type: 'minor' }) => void } {
    const calls: string[] = [];
    return { calls, collect: (options) => calls.push(options?.type ?? 'major') };
  }

  it('collects the young generation once per pause, everything after a longer one', async function () {
    this.timeout(10_000);
    const { calls, collect } = recorder();
    // Delays far above the sleeps between keystrokes: a loaded machine (CI, tests in parallel)
    // stretches a 2 ms sleep to tens of milliseconds.
    const idle = new IdleCollector({ minorDelayMs: 150, majorDelayMs: 700, collect, heapUsed: () => 0 });
    // A burst of activity: one pause, one young-generation collection.
    for (let i = 0; i < 5; i++) {
      idle.busy();
      await sleep(2);
    }
    assert.deepEqual(calls, []);
    await sleep(400);
    assert.deepEqual(calls, ['minor']);
    await sleep(900);
    assert.deepEqual(calls, ['minor', 'major']);
    // Nothing more while nothing happens.
    await sleep(800);
    assert.deepEqual(calls, ['minor', 'major']);
  });

  it('collects everything in the first pause once the heap has grown past the limit', async () => {
    const { calls, collect } = recorder();
    let used = 100;
    const idle = new IdleCollector({
      minorDelayMs: 20,
      majorDelayMs: 10_000,
      growthLimitBytes: 50,
      collect,
      heapUsed: () => used,
    });
    idle.busy();
    await sleep(200);
    assert.deepEqual(calls, ['minor']);
    used = 200;
    idle.busy();
    await sleep(200);
    assert.deepEqual(calls, ['minor', 'minor', 'major']);
  });

  it('reaches the real V8 collector without command-line flags', () => {
    const gc = exposedCollector();
    assert.equal(typeof gc, 'function');
    gc!({ type: 'minor' });
    gc!();
  });
});
