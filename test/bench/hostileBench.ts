// The hostile-input corpus over stdio: open-to-diagnostics, the slowest of every request, the
// server's RSS, and the CLI's `check` time on the same bytes. `npm run bench` prints it;
// `node scripts/bench.mjs hostile` prints only this.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { LspClient } from '../support/lspClient';
import { repoRoot } from '../support/paths';
import { editorText, hostileCorpus } from '../robustness/corpus';
import { probeServer, rssMb, spreadPositions } from '../robustness/serverProbe';

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'os-policy-hostile-'));
  const rows: string[][] = [];
  for (const [index, input] of hostileCorpus().entries()) {
    // A fresh server per input: each RSS figure is that input's own.
    const client = new LspClient({});
    await client.initialize(join(repoRoot(), 'test', 'fixtures', 'workspace'));
    const text = editorText(input);
    const languageId = input.file.endsWith('.json') ? 'openstack-policy-json' : 'openstack-policy';
    const probe = await probeServer(
      client,
      `file:///hostile/${index}/glance-${input.file}`,
      text,
      spreadPositions(text),
      languageId,
    );
    const rss = rssMb(client.process.pid!);
    await client.close();
    const path = join(directory, `${index}-glance-${input.file}`);
    writeFileSync(path, input.bytes);
    const started = performance.now();
    runCli(['check', path, '--format', 'json']);
    const cliMs = performance.now() - started;
    rows.push([
      input.name,
      `${(input.bytes.length / 1024 / 1024).toFixed(2)}`,
      probe.openMs.toFixed(0),
      `${probe.slowestRequestMs.toFixed(0)} (${probe.slowestRequest.replace('textDocument/', '')})`,
      `${probe.requests}`,
      rss.toFixed(0),
      cliMs.toFixed(0),
      `${input.budgetMs}`,
    ]);
  }
  const header = [
    'input',
    'MB',
    'open→diagnostics ms',
    'slowest request ms',
    'requests',
    'server RSS MB',
    'CLI check ms',
    'budget ms',
  ];
  process.stdout.write(`| ${header.join(' | ')} |\n| ${header.map(() => '---').join(' | ')} |\n`);
  for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
