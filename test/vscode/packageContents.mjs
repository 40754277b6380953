// What the .vsix holds, read back from the archive: only the manifest, README, licence, the two
// bundles, the catalog data, grammars and language configurations. No sources, tests, source
// maps or node_modules: the bundles need nothing else at run time.
import { execFileSync } from 'node:child_process';
import { PYTHON } from '../../scripts/ensure.mjs';

const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/dist\/(client|server)\.js$/,
  /^extension\/catalog\/index\.json$/,
  /^extension\/catalog\/[a-z]+\.names\.json$/,
  /^extension\/catalog\/[a-z]+\/[\w.-]+\.json$/,
  /^extension\/syntaxes\/[\w-]+\.tmLanguage\.json$/,
  /^extension\/language-configuration\/[\w-]+\.json$/,
];
const REQUIRED = [
  'extension/package.json',
  'extension/dist/client.js',
  'extension/dist/server.js',
  'extension/catalog/index.json',
  // Content detection reads it (see scripts/catalog/README.md).
  'extension/catalog/epoxy.names.json',
  'extension/syntaxes/openstack-policy.tmLanguage.json',
  'extension/syntaxes/openstack-policy-json.tmLanguage.json',
  'extension/syntaxes/openstack-policy-check.tmLanguage.json',
  'extension/language-configuration/yaml.json',
  'extension/language-configuration/json.json',
];

export function listPackage(vsix) {
  const listing = execFileSync(
    PYTHON,
    ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix],
    { encoding: 'utf8' },
  );
  return listing.split('\n').filter(Boolean);
}

export function checkPackageContents(vsix) {
  const files = listPackage(vsix);
  const unexpected = files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
  const missing = REQUIRED.filter((file) => !files.includes(file));
  if (unexpected.length > 0 || missing.length > 0)
    throw new Error(
      `the .vsix holds unexpected files [${unexpected.join(', ')}] or misses [${missing.join(', ')}]`,
    );
  return files;
}
