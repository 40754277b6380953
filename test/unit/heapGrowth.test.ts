import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs a process that keeps ~24 MB alive and, like keystrokes in a big file, keeps replacing a
 * few megabytes that live long enough to be promoted; prints the old generation's peak (MB).
 */
function oldGenerationPeak(limit: boolean): number {
  const heapGrowth = join(__dirname, '..', '..', 'server', 'src', 'lsp', 'heapGrowth.js');
  const script = `
    const v8 = require('node:v8');
    if (${limit}) require(${JSON.stringify(heapGrowth)}).limitHeapGrowth();
    const live = [];
    for (let i = 0; i < 200_000; i++) live.push({ i, text: 'rule' + i });
    let versions = [];
    let peak = 0;
    for (let edit = 0; edit < 150; edit++) {
      const version = [];
      for (let i = 0; i < 40_000; i++) version.push({ edit, i, text: 'x' + i });
      let transient = [];
      for (let i = 0; i < 40_000; i++) transient.push({ i });
      transient = null;
      versions.push(version);
      if (versions.length > 2) versions.shift();
      const used = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
      peak = Math.max(peak, used);
    }
    process.stdout.write(String(Math.round(peak / 2 ** 20)));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return Number(run.stdout);
}

describe("the server's limit on heap growth", () => {
  it('collects promoted garbage after less growth than V8 would allow', function () {
    this.timeout(30_000);
    const without = oldGenerationPeak(false);
    const withLimit = oldGenerationPeak(true);
    // The live set alone is ~20 MB: V8's own factor lets garbage pile up well past it.
    console.log(`      old generation peak: ${withLimit} MB with the limit, ${without} MB without`);
    assert.ok(withLimit < without * 0.8, `old generation peak ${withLimit} MB with the limit, ${without} MB without`);
  });
});
