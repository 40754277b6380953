import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../support/lspClient';

/** policy.d layering in the editor, as oslo.policy merges the files (the same rule as the CLI's). */
describe('the language server with a policy.d folder', function () {
  this.timeout(60_000);
  let client: LspClient;
  const root = mkdtempSync(join(tmpdir(), 'os-policy-layers-'));
  const main = join(root, 'policy.yaml');
  const first = join(root, 'policy.d', '10-team.yaml');
  const second = join(root, 'policy.d', '20-more.yaml');

  before(async () => {
    mkdirSync(join(root, 'policy.d'));
    writeFileSync(main, '"base": "role:admin"\n');
    writeFileSync(first, '"team": "rule:base or role:team"\n');
    writeFileSync(second, '"more": "rule:team or rule:later"\n');
    client = new LspClient({ service: 'glance', release: 'epoxy' });
    await client.initialize(root);
  });
  after(() => client.close());

  const undefinedRules = async (path: string, text: string): Promise<string[]> => {
    const published = await client.open(pathToFileURL(path).toString(), text);
    return published.diagnostics.filter((d) => d.code === 'undefined-rule').map((d) => d.message);
  };

  it('resolves rule: references of a policy.d file against the main file and earlier siblings', async () => {
    assert.deepEqual(await undefinedRules(first, '"team": "rule:base or role:team"\n'), []);
    const later = await undefinedRules(second, '"more": "rule:team or rule:later"\n');
    assert.equal(later.length, 1);
    assert.match(later[0], /'later'/);
  });

  it('resolves references of the main file against the policy.d files that follow it', async () => {
    assert.deepEqual(await undefinedRules(main, '"base": "role:admin"\n"uses": "rule:more"\n'), []);
  });

  it('sees a policy.d file that is not open change on disk, at the next edit of the main file', async () => {
    const extra = join(root, 'policy.d', '30-extra.yaml');
    const mainUri = pathToFileURL(main).toString();
    const edit = async (text: string): Promise<string[]> => {
      const published = await client.change(mainUri, {
        range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } },
        text,
      });
      return published.diagnostics.filter((d) => d.code === 'undefined-rule').map((d) => d.message);
    };
    writeFileSync(extra, '"other": "role:x"\n');
    assert.equal((await edit('"base": "role:admin"\n"uses": "rule:extra"\n')).length, 1);
    writeFileSync(extra, '"extra": "role:xy"\n');
    assert.deepEqual(await edit('"base": "role:admin"\n"uses": "rule:extra" \n'), []);
    // Read once, then again only when it changes: the same answer while it stays.
    assert.deepEqual(await edit('"base": "role:admin"\n"uses": "rule:extra"\n'), []);
    writeFileSync(extra, '"extras": "role:xyz"\n');
    assert.equal((await edit('"base": "role:admin"\n"uses": "rule:extra" \n')).length, 1);
  });
});
