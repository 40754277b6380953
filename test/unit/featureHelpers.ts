import { openBuiltInCatalog } from '../../server/src/node/catalogFiles';
import {
  analyze,
  DEFAULT_SETTINGS,
  type PolicyAnalysis,
  type PolicySettings,
} from '../../server/src/core/features/analysis';

const builtIn = openBuiltInCatalog();

/**
 * An in-memory policy document analysed by the pure core. A `|` in `source` marks the cursor:
 * it is removed from the text and its offset returned.
 */
export function documentAt(
  source: string,
  options: { uri?: string; settings?: Partial<PolicySettings> } = {},
): { analysis: PolicyAnalysis; offset: number; text: string } {
  const offset = source.indexOf('|');
  const text = offset >= 0 ? source.slice(0, offset) + source.slice(offset + 1) : source;
  const analysis = analyze({
    uri: options.uri ?? 'file:///etc/glance/policy.yaml',
    version: 1,
    text,
    settings: { ...DEFAULT_SETTINGS, release: 'epoxy', ...options.settings },
    catalogs: { builtIn, custom: [] },
  });
  return { analysis, offset, text };
}

/** An in-memory policy document analysed by the pure core, taken as is (no cursor mark). */
export function documentOf(text: string, uri = 'file:///etc/glance/policy.yaml'): PolicyAnalysis {
  return analyze({
    uri,
    version: 1,
    text,
    settings: { ...DEFAULT_SETTINGS, release: 'epoxy' },
    catalogs: { builtIn, custom: [] },
  });
}

export const slice = (text: string, span: { start: number; end: number }): string =>
  text.slice(span.start, span.end);
