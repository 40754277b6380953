import { loadEffectivePolicy } from '../core/engine/loadPolicy';
import { fileDiagnostics } from '../core/features/diagnostics';
import { LineIndex } from '../core/text/lineIndex';
import { openBuiltInCatalog } from '../node/catalogFiles';
import { parseArgs, UsageError } from './args';
import { POLICY_FLAGS, policyOptions, readPolicyFile, registeredRules } from './policyInputs';

export const CHECK_USAGE = 'os-policy check FILE... [--namespace NS]... [--release R] [mode flags]';

/** `os-policy check`: `file:line:col: severity: message [code]` per problem; exit 1 on errors. */
export function checkCommand(argv: readonly string[], out: (line: string) => void): number {
  const args = parseArgs(argv, POLICY_FLAGS);
  if (args.positionals.length === 0) throw new UsageError(CHECK_USAGE);
  const registered = registeredRules(args, openBuiltInCatalog());
  const options = policyOptions(args, openBuiltInCatalog());
  let errors = 0;
  for (const path of args.positionals) {
    const file = readPolicyFile(path);
    const policy = loadEffectivePolicy({ files: [file.loaded], registered, options });
    const lines = new LineIndex(file.loaded.document.text);
    const diagnostics = fileDiagnostics(file.loaded, policy).sort((a, b) => a.span.start - b.span.start);
    for (const diagnostic of diagnostics) {
      const { line, character } = lines.position(diagnostic.span.start);
      if (diagnostic.severity === 'error') errors++;
      out(
        `${path}:${line + 1}:${character + 1}: ${diagnostic.severity}: ${diagnostic.message} [${diagnostic.code}]`,
      );
    }
  }
  return errors > 0 ? 1 : 0;
}
