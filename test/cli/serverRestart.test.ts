import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../server/src/shared/serverFlags';
import { LspClient } from '../support/lspClient';
import { repoRoot } from '../support/paths';

/** Node 24 from the VS Code tier's environment (installed there first; idempotent here). */
function node24(): string {
  const script = `import(${JSON.stringify(pathToFileURL(join(repoRoot(), 'scripts', 'vscode', 'codeServerEnv.mjs')).href)}).then((m) => process.stdout.write(m.ensureCodeServer().node24))`;
  const run = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  assert.equal(run.status, 0, 'installing Node 24 failed');
  return run.stdout.trim();
}

function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

async function serve(node: string): Promise<{ line: string[]; diagnostics: number }> {
  const client = new LspClient({}, { OS_POLICY_NO_RESTART: '' }, node);
  try {
    await client.initialize(join(repoRoot(), 'test', 'fixtures'));
    const published = await client.open('file:///tmp/glance/policy.yaml', '"get_images": "rule:nowhere"\n');
    return { line: commandLine(client.process.pid!), diagnostics: published.diagnostics.length };
  } finally {
    await client.close();
  }
}

describe('os-policy lsp starts itself with the server flags', function () {
  this.timeout(600_000);

  it('re-executes in place where Node can (Node 24): same process, flags on, still answering', async () => {
    const { line, diagnostics } = await serve(node24());
    for (const flag of SERVER_NODE_FLAGS)
      assert.ok(line.includes(flag), `${flag} missing from ${line.join(' ')}`);
    assert.ok(line.includes('lsp') && line.includes('--stdio'), line.join(' '));
    assert.ok(diagnostics > 0, 'the restarted server published no diagnostics');
  });

  it('runs as started where it cannot (Node 20, no process.execve)', async function () {
    if (typeof (process as { execve?: unknown }).execve === 'function') {
      // The runner is a Node that can restart: the case above covers it.
      console.log('      (the test runner has process.execve: nothing to compare)');
      return;
    }
    const { line, diagnostics } = await serve(process.execPath);
    for (const flag of SERVER_NODE_FLAGS) assert.ok(!line.includes(flag), line.join(' '));
    assert.ok(diagnostics > 0);
  });
});
