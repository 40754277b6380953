import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureUri, LspClient } from '../support/lspClient';
import { repoRoot } from '../support/paths';

interface Lens {
  range: { start: { line: number } };
  command?: { title: string; command: string; arguments: unknown[] };
  data?: { rule?: string };
}
interface SimulateResult {
  rule: string;
  mode: string;
  text: string;
  results: {
    persona: string;
    verdict: string;
    condition: string | null;
    exact: boolean;
    trace: { check: string; result: string; children: unknown[] }[];
  }[];
}
interface MatrixResult {
  title: string;
  mode: string;
  personas: { id: string }[];
  rows: { policy: string; verdicts: Record<string, { verdict: string }> }[];
  text: string;
}

const fixture = readFileSync(
  join(repoRoot(), 'test', 'fixtures', 'workspace', 'glance', 'policy.yaml'),
  'utf8',
);

describe('simulation over the language server', function () {
  this.timeout(60_000);
  let client: LspClient;
  const uri = fixtureUri('glance', 'policy.yaml');
  const messages: string[] = [];
  let refreshes = 0;

  before(async () => {
    client = new LspClient({ release: 'zed' });
    client.connection.onNotification('window/showMessage', (params: { message: string }) => {
      messages.push(params.message);
    });
    client.connection.onRequest('workspace/codeLens/refresh', () => {
      refreshes++;
      return null;
    });
    const rootUri = `file://${join(repoRoot(), 'test', 'fixtures', 'workspace')}`;
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'fixtures' }],
      capabilities: {
        workspace: { configuration: true, codeLens: { refreshSupport: true } },
        textDocument: { codeLens: {} },
      },
    });
    await client.connection.sendNotification('initialized', {});
    await client.open(uri, fixture);
  });

  after(async () => {
    await client.close();
  });

  const lenses = (): Promise<Lens[]> =>
    client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  /** The verdict lens of a rule, resolved as an editor resolves a visible lens. */
  const verdictFor = async (rule: string): Promise<string | undefined> => {
    const lens = (await lenses()).find((l) => l.data?.rule === rule);
    assert.ok(lens, `no verdict lens for ${rule}`);
    return (await client.request<Lens>('codeLens/resolve', lens)).command?.title;
  };
  const pickLensFor = async (rule: string): Promise<Lens> => {
    const lens = (await lenses()).find((l) => l.command?.arguments[1] === rule);
    assert.ok(lens, `no "Simulate as role…" lens for ${rule}`);
    return lens;
  };

  it('puts a verdict lens and a runnable "Simulate as role…" lens above every rule', async () => {
    const all = await lenses();
    // One pair per rule oslo.policy keeps: a duplicated key counts once.
    const rules = new Set(fixture.split('\n').flatMap((line) => /^"([^"]+)":/.exec(line)?.[1] ?? [])).size;
    assert.equal(all.length, 2 * rules);
    const picks = all.filter((lens) => lens.command !== undefined);
    assert.equal(picks.length, rules);
    for (const lens of picks) {
      assert.equal(lens.command?.title, 'Simulate as role…');
      assert.equal(lens.command?.command, 'osPolicy.simulateAt');
      assert.deepEqual(lens.command?.arguments.slice(2), [{ pick: true }]);
    }
    const deleteLens = await pickLensFor('delete_image');
    assert.equal(
      deleteLens.range.start.line,
      fixture.split('\n').findIndex((l) => l.startsWith('"delete_image"')),
    );
    // Before any run, the verdicts are those of the project personas, target left open.
    assert.equal(await verdictFor('delete_image'), 'reader ❌ · member 🔍 project_id · admin ✅');
  });

  it('runs the lens command through workspace/executeCommand, with a message and a lens refresh', async () => {
    const lens = await pickLensFor('delete_image');
    const result = await client.request<SimulateResult>('workspace/executeCommand', {
      command: lens.command!.command,
      arguments: lens.command!.arguments,
    });
    assert.deepEqual(
      result.results.map((r) => [r.persona, r.verdict]),
      [
        ['project_reader', 'denied'],
        ['project_member', 'conditional'],
        ['project_admin', 'allowed'],
      ],
    );
    assert.match(
      result.text,
      /project member \(project_member\): 🔍 conditional: allowed if project_id == %\(project_id\)s/,
    );
    assert.ok(refreshes >= 1, 'the server asks the client to refresh its lenses');
    assert.ok(messages.some((m) => m.startsWith('delete_image (default mode')));
    assert.equal(await verdictFor('delete_image'), 'reader ❌ · member 🔍 project_id · admin ✅');
  });

  it('keeps the personas a command chose for its lens', async () => {
    await client.request('workspace/executeCommand', {
      command: 'osPolicy.simulateAt',
      arguments: [uri, 'get_image', { personas: ['project_reader', 'anonymous'] }],
    });
    assert.equal(await verdictFor('get_image'), 'reader 🔍 project_id,visibility · anonymous ❌');
    assert.equal(await verdictFor('delete_image'), 'reader ❌ · member 🔍 project_id · admin ✅');
  });

  it('answers osPolicy/simulate for personas, with the mode and a trace', async () => {
    const result = await client.request<SimulateResult>('osPolicy/simulate', {
      uri,
      rule: 'delete_image',
      personas: ['project_member', 'anonymous'],
    });
    assert.match(result.mode, /^default mode \(enforce_new_defaults off, enforce_scope off/);
    const member = result.results[0];
    assert.equal(member.condition, 'project_id == %(project_id)s');
    const steps: { check: string; result: string }[] = [];
    const visit = (list: SimulateResult['results'][number]['trace']): void =>
      list.forEach((step) => {
        steps.push(step);
        visit(step.children as typeof list);
      });
    visit(member.trace);
    assert.ok(steps.some((step) => step.check === 'role:member' && step.result.startsWith('holds')));
    assert.ok(steps.some((step) => step.check === 'role:admin' && step.result.startsWith('fails')));
    assert.equal(result.results[1].verdict, 'denied');
  });

  it('answers osPolicy/simulate for credentials and a concrete target exactly', async () => {
    const request = (target: unknown) =>
      client.request<SimulateResult>('osPolicy/simulate', {
        uri,
        rule: 'delete_image',
        creds: '{"roles": ["member"], "project_id": "p7"}',
        target,
      });
    const allowed = await request({ project_id: 'p7' });
    assert.deepEqual(
      [allowed.results[0].persona, allowed.results[0].verdict, allowed.results[0].exact],
      ['custom', 'allowed', true],
    );
    assert.equal((await request('{"project_id": "p8"}')).results[0].verdict, 'denied');
    const bad = await client.request<{ error: string }>('osPolicy/simulate', {
      uri,
      rule: 'x',
      creds: '{roles',
    });
    assert.match(bad.error, /credentials is not valid JSON/);
  });

  it('answers osPolicy/matrix in each format', async () => {
    const json = await client.request<MatrixResult>('osPolicy/matrix', {
      uri,
      format: 'json',
      personas: ['project_member'],
    });
    assert.match(json.title, /glance/);
    const rows = JSON.parse(json.text) as {
      policy: string;
      verdicts: Record<string, { verdict: string; condition: string | null }>;
    }[];
    assert.deepEqual(rows.find((r) => r.policy === 'delete_image')!.verdicts, {
      project_member: { verdict: 'conditional', condition: 'project_id == %(project_id)s' },
    });
    assert.ok(
      rows.some((r) => r.policy === 'image_team'),
      'the file’s own rules are in the matrix',
    );
    const md = await client.request<MatrixResult>('osPolicy/matrix', { uri, format: 'md' });
    assert.match(
      md.text,
      /\| Policy \| Operations \| project reader \| project member \| project admin \| system reader/,
    );
    const csv = await client.request<MatrixResult>('osPolicy/matrix', { uri, format: 'csv' });
    assert.match(csv.text, /^resource,policy,operations,project_reader,project_reader condition/);
    const html = await client.request<MatrixResult>('osPolicy/matrix', {
      uri,
      format: 'html',
      nonce: 'n0nce',
    });
    assert.match(html.text, /script-src 'nonce-n0nce'/);
    assert.equal(html.rows.length, rows.length);
  });

  it('answers null for a document it does not know', async () => {
    assert.equal(await client.request('osPolicy/simulate', { uri: 'file:///nowhere.yaml', rule: 'x' }), null);
    assert.equal(
      await client.request('workspace/executeCommand', {
        command: 'osPolicy.simulateAt',
        arguments: ['file:///nowhere.yaml', 'x'],
      }),
      null,
    );
  });
});

describe('simulation with personas and mode from the settings', function () {
  this.timeout(60_000);
  let client: LspClient;
  const uri = fixtureUri('glance', 'policy.yaml');

  before(async () => {
    client = new LspClient({
      release: 'zed',
      enforceNewDefaults: true,
      personas: [{ id: 'image_team_lead', label: 'image lead', roles: ['lead'], project_id: 'p3' }],
      impliedRoles: { lead: ['image_manager'] },
    });
    await client.initialize(join(repoRoot(), 'test', 'fixtures', 'workspace'));
    await client.open(uri, fixture);
  });

  after(async () => {
    await client.close();
  });

  it('simulates a user-defined persona with its implied roles, in the configured mode', async () => {
    const result = await client.request<SimulateResult>('osPolicy/simulate', {
      uri,
      rule: 'publicize_image',
      personas: ['image_team_lead', 'project_member'],
    });
    assert.match(result.mode, /^strict mode \(enforce_new_defaults on/);
    assert.deepEqual(
      result.results.map((r) => [r.persona, r.verdict]),
      [
        ['image_team_lead', 'allowed'],
        ['project_member', 'denied'],
      ],
    );
  });
});
