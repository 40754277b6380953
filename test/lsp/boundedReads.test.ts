import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../support/lspClient';

/**
 * Files the server reads without being asked to (policy.d layers, workspace policy files,
 * catalogs): a FIFO or an endless device must not block it or fill its memory.
 */
describe('the language server and files it must not read whole', function () {
  this.timeout(60_000);
  let client: LspClient;
  const logs: string[] = [];
  const root = mkdtempSync(join(tmpdir(), 'os-policy-bounded-'));
  const layer = join(root, 'policy.d', '10-team.yaml');

  before(async () => {
    mkdirSync(join(root, 'policy.d'));
    // The main file beside policy.d, a workspace policy file and a sample are FIFOs nobody writes.
    execFileSync('mkfifo', [join(root, 'policy.yaml')]);
    execFileSync('mkfifo', [join(root, 'nova-policy.yaml')]);
    execFileSync('mkfifo', [join(root, 'glance-policy.yaml.sample')]);
    writeFileSync(layer, '"team": "rule:base or role:team"\n');
    client = new LspClient({ service: 'glance', release: 'epoxy' });
    client.connection.onNotification('window/logMessage', (params: { message: string }) => {
      logs.push(params.message);
    });
    await client.initialize(root);
  });
  after(() => client.close());

  it('analyses a policy.d file whose main file is a FIFO, without waiting on it', async () => {
    const published = await client.open(
      pathToFileURL(layer).toString(),
      '"team": "rule:base or role:team"\n',
    );
    // The main file could not be read: `base` is not found under it.
    const undefinedRules = published.diagnostics.filter((d) => d.code === 'undefined-rule');
    assert.equal(undefinedRules.length, 1);
    assert.match(undefinedRules[0].message, /'base'/);
  });

  it('answers workspace symbols with a FIFO named like a policy file in the workspace', async () => {
    const symbols = await client.request<{ name: string }[]>('workspace/symbol', { query: 'team' });
    assert.ok(symbols.some((symbol) => symbol.name === 'team'));
  });

  it('logs a catalog path that is an endless device, and a FIFO sample, instead of reading them', async () => {
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { osPolicy: { catalogPaths: ['/dev/zero'] } },
    });
    // Handled in order: once this is answered, the catalogs have been read again.
    await client.request('workspace/symbol', { query: 'team' });
    const text = logs.join('\n');
    assert.match(
      text,
      /cannot read catalog \/dev\/zero: \/dev\/zero is a character device, not a regular file/,
    );
    assert.match(text, /cannot read catalog .*glance-policy\.yaml\.sample: .* is a FIFO, not a regular file/);
  });
});
