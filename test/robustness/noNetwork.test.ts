import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import dns from 'node:dns';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { analyze, DEFAULT_SETTINGS } from '../../server/src/core/features/analysis';
import { codeActions } from '../../server/src/core/features/codeActions';
import { complete } from '../../server/src/core/features/completion';
import { hover } from '../../server/src/core/features/hover';
import { policyDiagnostics } from '../../server/src/core/features/policyDiagnostics';
import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import { simulateRule } from '../../server/src/core/simulate/simulate';
import { parsePythonJson } from '../../server/src/core/python/pyJson';
import { runCli } from '../support/cli';
import { LspClient } from '../support/lspClient';
import { repoRoot } from '../support/paths';

const HTTP_POLICY = [
  '"context_is_admin": "role:admin"',
  '"get_image": "http://policy.example.invalid/check or role:reader"',
  '"add_image": "https://127.0.0.1:9/check and role:member"',
  '"delete_image": "not http://localhost/x"',
  '',
].join('\n');

/** Replaces every way out of the process with a recorder; returns the attempts and an undo. */
function trapNetwork(): { attempts: string[]; restore: () => void } {
  const attempts: string[] = [];
  const saved: [object, string, unknown][] = [];
  const trap = (owner: object, name: string): void => {
    const record = owner as Record<string, unknown>;
    saved.push([owner, name, record[name]]);
    record[name] = (...args: unknown[]) => {
      attempts.push(`${name}(${JSON.stringify(args[0])?.slice(0, 80)})`);
      throw new Error(`network call refused by the test: ${name}`);
    };
  };
  trap(net.Socket.prototype, 'connect');
  trap(net, 'connect');
  trap(net, 'createConnection');
  trap(tls, 'connect');
  trap(dns, 'lookup');
  trap(dns.promises, 'lookup');
  trap(dns, 'resolve');
  trap(http, 'request');
  trap(http, 'get');
  trap(https, 'request');
  trap(https, 'get');
  trap(globalThis, 'fetch');
  return {
    attempts,
    restore: () => {
      for (const [owner, name, value] of saved) (owner as Record<string, unknown>)[name] = value;
    },
  };
}

describe('no surprises: nothing calls the network, nothing from the workspace runs', function () {
  this.timeout(60_000);

  it('analysing, completing, hovering and simulating a file of http:/https: checks opens no socket', () => {
    const trap = trapNetwork();
    try {
      const analysis = analyze({
        uri: 'file:///etc/glance/policy.yaml',
        version: 1,
        text: HTTP_POLICY,
        settings: DEFAULT_SETTINGS,
        catalogs: { builtIn: openBuiltInCatalog(), custom: [] },
      });
      const diagnostics = policyDiagnostics(analysis);
      assert.equal(diagnostics.filter((d) => d.code === 'external-check').length, 3);
      for (let offset = 0; offset <= HTTP_POLICY.length; offset += 7) {
        complete(analysis, offset);
        hover(analysis, offset);
        codeActions(analysis, { start: offset, end: offset }, diagnostics);
      }
      const creds = parsePythonJson('{"roles": ["reader", "member"], "project_id": "p1"}');
      for (const rule of ['get_image', 'add_image', 'delete_image']) {
        const simulation = simulateRule(
          analysis.policy,
          rule,
          creds,
          parsePythonJson('{"project_id": "p1"}'),
        );
        assert.notEqual(simulation.verdict, 'error', rule);
      }
    } finally {
      trap.restore();
    }
    assert.deepEqual(trap.attempts, []);
  });

  it('the trap is live: a real request is recorded', () => {
    const trap = trapNetwork();
    try {
      assert.throws(() => http.request('http://policy.example.invalid/'));
    } finally {
      trap.restore();
    }
    assert.equal(trap.attempts.length, 1);
  });

  it('the CLI checks and evaluates http checks under a hook that fails on any connect or lookup', () => {
    const directory = mkdtempSync(join(tmpdir(), 'os-policy-net-'));
    const hook = join(directory, 'deny-network.js');
    writeFileSync(
      hook,
      [
        "const net = require('net'), dns = require('dns'), http = require('http'), https = require('https');",
        'const deny = (what) => () => { process.stderr.write(`NETWORK ATTEMPT: ${what}\\n`); process.exit(99); };',
        "net.Socket.prototype.connect = deny('connect'); dns.lookup = deny('dns.lookup');",
        "http.request = deny('http.request'); https.request = deny('https.request'); globalThis.fetch = deny('fetch');",
      ].join('\n'),
    );
    const policy = join(directory, 'glance-policy.yaml');
    writeFileSync(policy, HTTP_POLICY);
    const cases = join(directory, 'cases.json');
    writeFileSync(cases, JSON.stringify([{ rule: 'get_image', creds: { roles: ['reader'] }, target: {} }]));
    const cli = join(repoRoot(), 'dist', 'cli.js');
    const run = (args: string[]): string => {
      try {
        return execFileSync(process.execPath, ['--require', hook, cli, ...args], { encoding: 'utf8' });
      } catch (error) {
        const failed = error as { status: number; stdout: string; stderr: string };
        assert.notEqual(failed.status, 99, failed.stderr);
        return failed.stdout;
      }
    };
    assert.match(run(['check', policy, '--format', 'sarif']), /external-check/);
    assert.match(
      run(['eval', '--policy', policy, '--cases', cases, '--namespace', 'glance']),
      /"unknown":"oslo.policy would POST the target/,
    );
  });

  it('a catalog path from the workspace settings pointing to a .js file is read as data, never run', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'os-policy-catalog-'));
    const marker = join(directory, 'ran');
    const script = join(directory, 'evil-policy.yaml.sample.js');
    writeFileSync(
      script,
      `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = {};\n`,
    );
    const client = new LspClient({ catalogPaths: [script] });
    try {
      await client.initialize(directory);
      await client.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { osPolicy: { catalogPaths: [script] } },
      });
      const published = await client.open(`file://${directory}/glance-policy.yaml`, HTTP_POLICY);
      assert.ok(published.diagnostics.some((d) => d.code === 'external-check'));
    } finally {
      await client.close();
    }
    // The CLI's --catalog reads it as data too: not a catalog, a usage error, and nothing ran.
    const cli = runCli(['check', join(repoRoot(), 'examples'), '--catalog', script]);
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /no rules found/);
    assert.equal(existsSync(marker), false, 'the .js catalog was executed');
  });
});
