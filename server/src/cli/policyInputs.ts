import type { RegisteredRule } from '../core/catalog/catalogTypes';
import type { CatalogStore } from '../core/catalog/catalogStore';
import { releaseBehaviour } from '../core/catalog/releases';
import type { PolicyDocument } from '../core/document/documentTypes';
import { readPolicyDocument, tooLargeDocument } from '../core/document/policyDocument';
import { DEFAULT_OPTIONS, type PolicyOptions } from '../core/engine/effectivePolicy';
import { loadPolicyFile, type LoadedFile } from '../core/engine/loadPolicy';
import { listPolicyDirectory, readPolicyText } from '../node/policyFiles';
import { single, UsageError, type FlagSpec, type ParsedArgs } from './args';

/** Flags shared by the commands that decide rules: which defaults, which mode. */
export const POLICY_FLAGS: Record<string, FlagSpec> = {
  namespace: { takesValue: true, repeatable: true },
  release: { takesValue: true },
  'default-rule': { takesValue: true },
  'enforce-new-defaults': { takesValue: false },
  'enforce-scope': { takesValue: false },
  'policy-dir': { takesValue: true, repeatable: true },
};

/** The mode flags; the release (when namespaces are used) says which oslo.policy behaviour to follow. */
export function policyOptions(args: ParsedArgs, catalog: CatalogStore | null = null): PolicyOptions {
  const defaultRule = single(args, 'default-rule');
  const releaseId = single(args, 'release');
  const release =
    catalog && (args.values.get('namespace') ?? []).length > 0
      ? catalog.resolveRelease(releaseId ?? catalog.newestRelease() ?? '')
      : null;
  return {
    defaultRule: defaultRule === undefined ? DEFAULT_OPTIONS.defaultRule : defaultRule || null,
    enforceNewDefaults: args.switches.has('enforce-new-defaults'),
    enforceScope: args.switches.has('enforce-scope'),
    scopeMismatchRaises: releaseBehaviour(release).scopeMismatchRaises,
    ignoresSystemScope: !releaseBehaviour(release).copiesSystemScope,
  };
}

/** The registered defaults of the `--namespace`s in `--release` (default: the newest release). */
export function registeredRules(args: ParsedArgs, catalog: CatalogStore | null): RegisteredRule[] {
  const namespaces = args.values.get('namespace') ?? [];
  if (namespaces.length === 0) return [];
  if (!catalog) throw new UsageError('the built-in catalog is missing: cannot use --namespace');
  const releaseId = single(args, 'release') ?? catalog.newestRelease() ?? '';
  const release = catalog.resolveRelease(releaseId);
  if (!release)
    throw new UsageError(`unknown release '${releaseId}' (known: ${catalog.releases().join(', ')})`);
  return namespaces.flatMap((namespace) => {
    const found = catalog.get(namespace, release);
    if (!found) {
      throw new UsageError(
        `namespace '${namespace}' is not in release ${release} (known: ${catalog.namespaces(release).join(', ')})`,
      );
    }
    return found.rules;
  });
}

/** A file the service cannot even read: loading it raises. */
function unreadable(message: string): LoadedFile {
  const document: PolicyDocument = {
    text: '',
    format: 'yaml',
    entries: [],
    problems: [],
    load: {
      kind: 'raises',
      exception: message.split(':')[0] || 'OSError',
      message,
      span: { start: 0, end: 0 },
    },
    comments: [],
  };
  return loadPolicyFile(document);
}

export interface ReadFile {
  readonly path: string;
  readonly loaded: LoadedFile;
  /** Why the file could not be read at all (not there, a folder, no permission), or null. */
  readonly readFailure: string | null;
}

export function readPolicyFile(path: string): ReadFile {
  const text = readPolicyText(path);
  if (text.ok) return { path, loaded: loadPolicyFile(readPolicyDocument(text.text)), readFailure: null };
  if (text.kind === 'too-large')
    return { path, loaded: loadPolicyFile(tooLargeDocument('', text.size)), readFailure: null };
  return {
    path,
    loaded: unreadable(text.message),
    readFailure: text.kind === 'unreadable' ? text.message : null,
  };
}

/** The main file, then every file of each `--policy-dir` in oslo.policy's order. */
export function readPolicyLayers(mainPath: string, args: ParsedArgs): ReadFile[] {
  return [readPolicyFile(mainPath), ...policyDirFiles(args).map(readPolicyFile)];
}

/** The files of every `--policy-dir`, in order; a folder that cannot be listed is a usage error. */
export function policyDirFiles(args: ParsedArgs): string[] {
  return (args.values.get('policy-dir') ?? []).flatMap((directory) => {
    try {
      return listPolicyDirectory(directory);
    } catch (error) {
      throw new UsageError(`--policy-dir ${directory}: ${(error as Error).message}`);
    }
  });
}
