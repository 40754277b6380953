import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureUri, LspClient, type PublishedDiagnostics } from '../support/lspClient';
import { repoRoot } from '../support/paths';
import { Random } from '../support/random';
import { bigPolicyFile } from '../bench/bigPolicy';

/** Line and character of an offset, as the client counts them (UTF-16, `\n` ends a line). */
function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

const comparable = (published: PublishedDiagnostics): string =>
  JSON.stringify(published.diagnostics.map((d) => [d.code, d.range, d.message]));

describe('the language server after many incremental edits', function () {
  this.timeout(120_000);
  let client: LspClient;

  before(async () => {
    client = new LspClient({ release: 'epoxy' });
    await client.initialize(join(repoRoot(), 'test', 'fixtures', 'workspace'));
  });

  after(async () => {
    await client.close();
  });

  for (const name of ['glance', 'ironic', 'neutron']) {
    it(`publishes for the edited ${name} file what a fresh open of the same text publishes`, async () => {
      const uri = fixtureUri(name, 'policy.yaml');
      let text = readFileSync(join(repoRoot(), 'test', 'fixtures', 'workspace', name, 'policy.yaml'), 'utf8');
      let published = await client.open(uri, text);
      const random = new Random(name.length * 104_729);
      let checked = 0;
      for (let step = 1; step <= 40; step++) {
        // Typing or deleting a character, pasting a rule, typing an operator: small ranges
        // anywhere. Half of them are undone by the next change, as when one types and corrects,
        // so the file stays mostly valid YAML and edits shift the rules below them both ways.
        const start = random.int(0, text.length);
        const end = Math.min(text.length, start + random.pick([0, 0, 1, 3]));
        const inserted = random.pick(['x', ' ', '\n', ' or role:member', '\n"pasted": "rule:missing"\n', '']);
        const removed = text.slice(start, end);
        const apply = async (from: number, to: number, insert: string): Promise<void> => {
          published = await client.change(uri, {
            range: { start: positionAt(text, from), end: positionAt(text, to) },
            text: insert,
          });
          text = text.slice(0, from) + insert + text.slice(to);
          // The same text opened as another document of the same folder (same service detected).
          const copy = fixtureUri(name, `copy-${step}-policy.yaml`);
          const fresh = await client.open(copy, text);
          assert.equal(comparable(published), comparable(fresh), `after ${step} edits of ${name}`);
          await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: copy } });
          checked += published.diagnostics.length;
        };
        await apply(start, end, inserted);
        if (random.int(0, 1) === 0) await apply(start, start + inserted.length, removed);
      }
      assert.ok(checked > 0, 'the comparison saw diagnostics');
    });
  }

  it('edits a big file right after opening it, while the server rehearses keystrokes, as a fresh open would read it', async () => {
    // 3,000 rules: the server rehearses edits on a slice of it after its first analysis.
    let text = `${bigPolicyFile(new Random(11), 3000)}"broken": "rule:missing and"\n`;
    const uri = fixtureUri('generated', 'policy.yaml');
    const before = new Set(client.published.keys());
    await client.open(uri, text);
    const random = new Random(7);
    for (let step = 0; step < 10; step++) {
      // Pauses as between keystrokes: the rehearsal runs in them.
      await new Promise((resolve) => setTimeout(resolve, 40));
      const at = random.int(0, text.length);
      const published = await client.change(uri, {
        range: { start: positionAt(text, at), end: positionAt(text, at) },
        text: 'x',
      });
      text = `${text.slice(0, at)}x${text.slice(at)}`;
      const copy = fixtureUri('generated', `copy-${step}-policy.yaml`);
      const fresh = await client.open(copy, text);
      assert.equal(comparable(published), comparable(fresh), `after ${step + 1} edits`);
      assert.ok(published.diagnostics.length > 0);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: copy } });
    }
    const opened = [
      uri,
      ...Array.from({ length: 10 }, (_, step) => fixtureUri('generated', `copy-${step}-policy.yaml`)),
    ];
    assert.deepEqual(
      [...client.published.keys()].filter(
        (published) => !before.has(published) && !opened.includes(published),
      ),
      [],
      'diagnostics only for the documents the client opened',
    );
  });
});
