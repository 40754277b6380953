import assert from 'node:assert/strict';
import { definition, occurrences, ruleNameAt } from '../../server/src/core/features/references';
import { renameRule } from '../../server/src/core/features/rename';
import { semanticTokens } from '../../server/src/core/features/semanticTokens';
import { documentSymbols, foldingRanges, workspaceSymbols } from '../../server/src/core/features/symbols';
import { documentAt, slice } from './featureHelpers';

describe('navigation in the pure core', () => {
  const source =
    '"team": "role:x"\n"get_image": "rule:te|am or rule:context_is_admin"\n"get_images": "not rule:team"';

  it('goes to a rule defined in the file, or to the registered default', () => {
    const { analysis, offset, text } = documentAt(source);
    const found = definition(analysis, offset);
    assert.ok(found && found.kind === 'file');
    assert.equal(slice(text, found.span), '"team"');
    const onDefault = text.indexOf('context_is_admin') + 2;
    assert.deepEqual(definition(analysis, onDefault), { kind: 'default', name: 'context_is_admin' });
  });

  it('finds every reference and renames them all, keeping the key quoted', () => {
    const { analysis, offset, text } = documentAt(source);
    const name = ruleNameAt(analysis, offset)!;
    assert.equal(name.name, 'team');
    assert.deepEqual(
      occurrences(analysis, 'team').map((o) => [slice(text, o.span), o.isDefinition]),
      [
        ['"team"', true],
        ['team', false],
        ['team', false],
      ],
    );
    const renamed = renameRule(analysis, offset, 'image_team');
    assert.ok(renamed?.ok);
    assert.deepEqual(
      renamed.edits.map((e) => e.newText),
      ['"image_team"', 'image_team', 'image_team'],
    );
    assert.equal(renameRule(analysis, offset, 'two words')?.ok, false);
  });

  it('outlines the file and folds multi-line rules and comment runs', () => {
    const { analysis } = documentAt('# a\n# b\n"get_image": >\n  role:a\n  or role:b\n"helper": "@"\n');
    assert.deepEqual(
      documentSymbols(analysis).map((s) => [s.name, s.kind]),
      [
        ['get_image', 'policy'],
        ['helper', 'rule'],
      ],
    );
    const ranges = foldingRanges(analysis).map((r) => [r.startLine, r.endLine, r.kind]);
    assert.deepEqual(ranges.sort(), [
      [0, 1, 'comment'],
      [2, 4, 'region'],
    ]);
  });

  it('matches workspace symbols fuzzily, in order, ignoring case', () => {
    const { analysis } = documentAt('"get_image": "@"\n"delete_image": "@"\n"team": "@"');
    const names = (query: string): string[] =>
      workspaceSymbols(analysis.file, analysis.registered, query).map((s) => s.name);
    assert.deepEqual(names('DELimg'), ['delete_image']);
    assert.deepEqual(names('image'), ['get_image', 'delete_image']);
    assert.deepEqual(
      workspaceSymbols(analysis.file, analysis.registered, 'team').map((s) => s.kind),
      ['rule'],
    );
  });

  it('gives semantic tokens for every part of a check string, in order and never overlapping', () => {
    const { analysis, text } = documentAt(
      '"get_image": "not role:admin or project_id:%(project_id)s or rule:team or @"',
    );
    const tokens = semanticTokens(analysis);
    const parts = tokens.map((t) => `${t.type}=${slice(text, t.span)}`);
    assert.deepEqual(parts, [
      'property="get_image"',
      'operator=not',
      'keyword=role',
      'variable=admin',
      'operator=or',
      'property=project_id',
      'parameter=%(project_id)s',
      'operator=or',
      'keyword=rule',
      'function=team',
      'operator=or',
      'macro=@',
    ]);
    for (let i = 1; i < tokens.length; i++) assert.ok(tokens[i].span.start >= tokens[i - 1].span.end);
  });
});
