import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LspClient, type PublishedDiagnostics } from '../support/lspClient';
import { repoRoot } from '../support/paths';
import { editorText, hostileCorpus, mutate, realFile, type Mutation } from './corpus';
import { probeServer, rssMb, spreadPositions } from './serverProbe';

/** The server's resident memory must stay under this through the whole corpus (it peaks after the 100,000-rule file). */
export const RSS_BUDGET_MB = 1_500;

/** Every published range lies inside the document. */
function assertRangesInside(text: string, published: PublishedDiagnostics): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const diagnostic of published.diagnostics) {
    for (const end of [diagnostic.range.start, diagnostic.range.end]) {
      assert.ok(end.line < lines.length, `line ${end.line} past the end (${lines.length} lines)`);
      assert.ok(end.character <= lines[end.line].length, `character ${end.character} past the line's end`);
    }
  }
}

describe('the language server under hostile input', function () {
  this.timeout(300_000);
  let client: LspClient;

  before(async () => {
    client = new LspClient({});
    await client.initialize(join(repoRoot(), 'test', 'fixtures', 'workspace'));
  });

  after(async () => {
    await client.close();
  });

  hostileCorpus().forEach((input, index) => {
    it(`${input.name}: answers every request within ${input.budgetMs} ms and reports ${input.expect}`, async () => {
      const text = editorText(input);
      const uri = `file:///hostile/${index}/glance-${input.file}`;
      const languageId = input.file.endsWith('.json') ? 'openstack-policy-json' : 'openstack-policy';
      const probe = await probeServer(client, uri, text, spreadPositions(text), languageId);
      const codes = new Set(probe.published.diagnostics.map((d) => d.code));
      assert.ok(codes.has(input.expect), `expected ${input.expect}, got ${[...codes].join(', ')}`);
      for (const diagnostic of probe.published.diagnostics) assert.ok(diagnostic.message.length > 10);
      assertRangesInside(text, probe.published);
      assert.ok(probe.openMs < input.budgetMs, `open to diagnostics took ${probe.openMs.toFixed(0)} ms`);
      assert.ok(
        probe.slowestRequestMs < input.budgetMs,
        `${probe.slowestRequest} took ${probe.slowestRequestMs.toFixed(0)} ms`,
      );
      const rss = rssMb(client.process.pid!);
      assert.ok(rss < RSS_BUDGET_MB, `server RSS ${rss.toFixed(0)} MB`);
    });
  });

  it('a file too large to analyse says so instead of hanging', async () => {
    const big = hostileCorpus().find((input) => input.expect === 'file-too-large')!;
    const probe = await probeServer(client, 'file:///hostile/big/policy.yaml', editorText(big), [
      { line: 0, character: 0 },
    ]);
    const message = probe.published.diagnostics.find((d) => d.code === 'file-too-large')!.message;
    assert.match(message, /^Not checked: the file is 5\d\.\d MB, above the 10 MB this tool analyses/);
  });

  for (const kind of ['truncate', 'tab', 'quote'] as Mutation[]) {
    it(`the real file broken at every position (${kind}) always gets diagnostics, hover and completion answers`, async () => {
      const real = realFile();
      const uri = `file:///hostile/mutations/${kind}/glance-policy.yaml`;
      await client.open(uri, real);
      let version = 1;
      let slowest = 0;
      for (let position = 0; position <= real.length; position++) {
        const text = mutate(real, kind, position);
        version++;
        const started = performance.now();
        const waiting = client.waitForDiagnostics(uri, version);
        void client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ text }],
        });
        const published = await waiting;
        assertRangesInside(text, published);
        const before = text.slice(0, Math.min(position, text.length));
        const at = {
          line: before.split('\n').length - 1,
          character: before.length - before.lastIndexOf('\n') - 1,
        };
        await client.request('textDocument/hover', { textDocument: { uri }, position: at });
        await client.request('textDocument/completion', { textDocument: { uri }, position: at });
        slowest = Math.max(slowest, performance.now() - started);
      }
      assert.ok(slowest < 1_000, `slowest edit-to-answers ${slowest.toFixed(0)} ms`);
      void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    });
  }

  it('is still up and answering after all of it', async () => {
    const published = await client.open('file:///hostile/after/glance-policy.yaml', realFile());
    assert.ok(published.diagnostics.some((d) => d.code === 'redundant-override'));
    assert.equal(client.process.exitCode, null);
    assert.deepEqual(client.stderr.join('').match(/failed:/g) ?? [], []);
  });
});
