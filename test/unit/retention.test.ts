import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * What a keystroke leaves behind. After an edit is analysed, the previous version is garbage;
 * if anything still reaches it (an object V8 keeps until a full collection is enough), every
 * young-generation collection promotes it, and full collections then interrupt typing.
 */
describe('what an edit leaves for the garbage collector', () => {
  it('promotes (almost) nothing of the previous version when the young generation is collected', function () {
    this.timeout(60_000);
    const out = join(__dirname, '..', '..');
    const script = `
      const v8 = require('node:v8');
      const { analyze, DocumentCaches, DEFAULT_SETTINGS } = require(${JSON.stringify(join(out, 'server', 'src', 'core', 'features', 'analysis.js'))});
      const { policyDiagnostics } = require(${JSON.stringify(join(out, 'server', 'src', 'core', 'features', 'policyDiagnostics.js'))});
      const { openBuiltInCatalog } = require(${JSON.stringify(join(out, 'server', 'src', 'node', 'catalogFiles.js'))});
      const { bigPolicyFile } = require(${JSON.stringify(join(out, 'test', 'bench', 'bigPolicy.js'))});
      const { Random } = require(${JSON.stringify(join(out, 'test', 'support', 'random.js'))});
      const catalogs = { builtIn: openBuiltInCatalog(), custom: [] };
      // Glance's names too, so that registered defaults (and deprecated overrides) are in play.
      let text = bigPolicyFile(new Random(3), 4000) + '"get_images": "role:reader"\\n"get_image": "rule:default"\\n';
      const at = text.indexOf('role:', text.length / 2) + 5;
      const caches = new DocumentCaches();
      let version = 0;
      let kept = null;
      const edit = () => {
        text = version % 2 === 0 ? text.slice(0, at) + 'x' + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
        version++;
        const analysis = analyze({ uri: 'file:///etc/glance/policy.yaml', version, text, settings: DEFAULT_SETTINGS, catalogs, caches });
        kept = [analysis, policyDiagnostics(analysis)];
      };
      for (let i = 0; i < 30; i++) edit();
      gc();
      const old = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
      let promoted = 0;
      for (let i = 0; i < 30; i++) {
        edit();
        const before = old();
        gc({ type: 'minor' });
        promoted += old() - before;
      }
      process.stdout.write(String(Math.round(promoted / 30 / 1024)));`;
    // A young generation that never fills up during an edit (one collection per edit, ours): a
    // collection in the middle of an edit would rightly promote the version being built.
    const young = ['--min-semi-space-size=16', '--max-semi-space-size=16'];
    const run = spawnSync(process.execPath, ['--expose-gc', ...young, '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const perEdit = Number(run.stdout);
    console.log(`      promoted per edit of a 4,000-rule file: ${perEdit} KB`);
    // One version of this file's moved rules is about 400 KB.
    assert.ok(perEdit < 60, `each edit promoted ${perEdit} KB to the old generation`);
  });
});
