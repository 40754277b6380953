import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../support/lspClient';
import { repoRoot } from '../support/paths';
import { renameProblemsByOslo } from '../support/renamedByOslo';

interface Position {
  line: number;
  character: number;
}
interface TextEdit {
  range: { start: Position; end: Position };
  newText: string;
}

const offsetOf = (text: string, position: Position): number => {
  const lines = text.split('\n');
  return lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
};

/** The text with an LSP client's edits applied (they never overlap). */
function applied(text: string, edits: readonly TextEdit[]): string {
  const spans = edits
    .map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  return spans.reduce((result, e) => result.slice(0, e.start) + e.text + result.slice(e.end), text);
}

const positionOf = (text: string, needle: string, delta = 0): Position => {
  const before = text.slice(0, text.indexOf(needle) + delta);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
};

describe('rename over stdio', function () {
  this.timeout(60_000);
  let client: LspClient;
  const uri = pathToFileURL(
    join(repoRoot(), 'test', 'fixtures', 'workspace', 'glance', 'rename', 'policy.yaml'),
  ).toString();
  const text = [
    'image_team: role:image_admin',
    'get_image: rule:image_team or project_id:%(project_id)s',
    'publicize_image: "rule:image_team and not rule:image_team"',
    "modify_image: 'rule:image_team'",
    'delete_image: |',
    '  rule:image_team',
    '  or role:admin',
    '',
  ].join('\n');

  before(async () => {
    client = new LspClient({ release: 'epoxy' });
    await client.initialize(join(repoRoot(), 'test', 'fixtures', 'workspace'));
    await client.open(uri, text);
  });

  after(async () => {
    await client.close();
  });

  it('offers the rule name and renames it to a name YAML must quote, as oslo.policy reads it', async () => {
    const position = positionOf(text, 'rule:image_team', 7);
    const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri },
      position,
    });
    assert.equal(prepared.placeholder, 'image_team');
    const to = 'team:"x"#1';
    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', {
      textDocument: { uri },
      position,
      newName: to,
    });
    const after = applied(text, edit.changes[uri]);
    assert.match(after, /^'team:"x"#1': role:image_admin$/m);
    assert.deepEqual(
      renameProblemsByOslo([{ label: 'lsp', before: text, after, from: 'image_team', to }]),
      [],
    );
  });

  it('answers a refused rename with an error that says why', async () => {
    const refused = async (method: string, position: Position, newName?: string): Promise<string> => {
      try {
        await client.request(method, { textDocument: { uri }, position, newName });
      } catch (error) {
        return (error as Error).message;
      }
      assert.fail(`${method} was not refused`);
    };
    const onPolicy = positionOf(text, 'get_image', 2);
    assert.match(await refused('textDocument/prepareRename', onPolicy), /registered by glance.*drop/);
    assert.match(await refused('textDocument/rename', onPolicy, 'my_get'), /registered by glance/);
    const onRule = positionOf(text, 'image_team', 2);
    assert.match(await refused('textDocument/rename', onRule, 'two words'), /whitespace/);
    assert.match(await refused('textDocument/rename', onRule, 'get_image'), /already defined/);
    assert.match(await refused('textDocument/rename', onRule, 'f(x)'), /parenthes/);
  });
});
