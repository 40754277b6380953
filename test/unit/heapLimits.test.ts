import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../server/src/shared/serverFlags';

const heapLimits = JSON.stringify(join(__dirname, '..', '..', 'server', 'src', 'lsp', 'heapLimits.js'));

/**
 * Runs a script in a fresh process (V8's flags are per process) that keeps ~24 MB alive and,
 * like keystrokes in a big file, keeps replacing a few megabytes that live long enough to be
 * promoted; `setup` applies a limit, `afterEdit` runs after each "keystroke".
 */
function peaks(setup: string, afterEdit: string, versionSize = 40_000): { old: number; young: number } {
  const script = `
    const v8 = require('node:v8');
    const limits = require(${heapLimits});
    ${setup}
    const live = [];
    // Built in pieces of work (messages), each followed by what follows an edit too.
    for (let i = 0; i < 200_000; i++) {
      live.push({ i, text: 'rule' + i });
      if (i % 10_000 === 0) {
        ${afterEdit}
      }
    }
    const versions = [];
    let old = 0;
    let young = 0;
    for (let edit = 0; edit < 150; edit++) {
      const version = [];
      for (let i = 0; i < ${versionSize}; i++) version.push({ edit, i, text: 'x' + i });
      let transient = [];
      for (let i = 0; i < ${versionSize}; i++) transient.push({ i });
      transient = null;
      versions.push(version);
      if (versions.length > 2) versions.shift();
      ${afterEdit}
      const spaces = v8.getHeapSpaceStatistics();
      old = Math.max(old, spaces.find((s) => s.space_name === 'old_space').space_used_size);
      young = Math.max(young, spaces.find((s) => s.space_name === 'new_space').space_size);
    }
    process.stdout.write(JSON.stringify({ old: old / 2 ** 20, young: young / 2 ** 20 }));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { old: number; young: number };
}

describe("the server's heap limits", () => {
  it('collects promoted garbage after less growth than V8 would allow', function () {
    this.timeout(30_000);
    const without = peaks('', '').old;
    const withLimit = peaks('limits.limitHeapGrowth();', '').old;
    console.log(
      `      old generation peak: ${withLimit.toFixed(0)} MB with the limit, ${without.toFixed(0)} MB without`,
    );
    // The live set alone is ~20 MB: V8's own factor lets garbage pile up well past it.
    assert.ok(
      withLimit < without * 0.8,
      `old generation peak ${withLimit} MB with the limit, ${without} MB without`,
    );
  });

  it('stops the young generation growing past the cap, set at run time', function () {
    this.timeout(30_000);
    const capMb = 2;
    // Keystrokes of ~1 MB each, so that the young generation grows by one step at most between two.
    const without = peaks('', '', 10_000).young;
    const capped = peaks(
      `const cap = new limits.YoungGenerationCap(${capMb} * 2 ** 20);`,
      'cap.check();',
      10_000,
    ).young;
    console.log(
      `      young generation peak: ${capped.toFixed(1)} MB with a ${capMb} MB cap, ${without.toFixed(1)} MB without`,
    );
    // Checked between keystrokes, it may pass the cap by one doubling, never more.
    assert.ok(capped <= 2 * capMb, `young generation reached ${capped} MB with a ${capMb} MB cap`);
    assert.ok(without > 2 * capMb, `without the cap it reached only ${without} MB: the test shows nothing`);
  });
});

describe('the start-up flags of the server', () => {
  /** Full collections during a first open of the 10,000-rule file and its diagnostics, in a process started with `flags`. */
  function fullCollectionsOnOpen(flags: readonly string[]): number {
    const out = join(__dirname, '..', '..');
    const module = (path: string): string => JSON.stringify(join(out, path));
    const script = `
      const { analyze, DocumentCaches, DEFAULT_SETTINGS } = require(${module('server/src/core/features/analysis.js')});
      const { policyDiagnostics } = require(${module('server/src/core/features/policyDiagnostics.js')});
      const { openBuiltInCatalog } = require(${module('server/src/node/catalogFiles.js')});
      const { bigPolicyFile } = require(${module('test/bench/bigPolicy.js')});
      const { Random } = require(${module('test/support/random.js')});
      const text = bigPolicyFile(new Random(1), 10000);
      const catalogs = { builtIn: openBuiltInCatalog(), custom: [] };
      process.stdout.write('OPEN\\n');
      const caches = new DocumentCaches();
      const analysis = analyze({ uri: 'file:///tmp/w/generated/policy.yaml', version: 1, text, settings: DEFAULT_SETTINGS, catalogs, caches });
      policyDiagnostics(analysis);
      process.stdout.write('DIAGNOSED\\n');`;
    const run = spawnSync(process.execPath, [...flags, '--trace-gc', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const during = run.stdout.split('OPEN\n')[1]?.split('DIAGNOSED\n')[0];
    assert.ok(during !== undefined, run.stdout);
    return during.split('\n').filter((line) => /Mark-Compact|Mark-sweep/i.test(line)).length;
  }

  it("give the old generation room for a big file's first open: no full collection in it", function () {
    this.timeout(60_000);
    const withFlags = fullCollectionsOnOpen(SERVER_NODE_FLAGS);
    const without = fullCollectionsOnOpen(
      SERVER_NODE_FLAGS.filter((flag) => !flag.startsWith('--initial-old-space-size')),
    );
    console.log(
      `      full collections during the open: ${withFlags} with the flags, ${without} without the old generation's`,
    );
    if (process.versions.v8.startsWith('12.')) {
      // Node 22: this V8 starts its first marking at 12 MB whatever the flag says (README, Memory).
      console.log(
        `      (V8 ${process.versions.v8} ignores --initial-old-space-size for this: not asserted)`,
      );
      return;
    }
    assert.equal(withFlags, 0);
  });
});
