/**
 * Node flags the language server should start with. Node 22 and later let V8's young generation
 * grow to 64 MB, and the pages it leaves behind stay resident: a 10,000-rule file took the server
 * to 170-280 MB where 8 MB semi-spaces (Node 20's default is 16) keep it under 150 at the same
 * speed. The old generation starts with room for what opening such a file keeps (~20 MB, on the
 * server's ~8): under V8's smaller first limit a full collection interrupted that first open
 * (Node 24, 10,000 rules: 97 → 83 ms in-process, median 118 → 96-104 ms over stdio). After the
 * first full collection the limit is V8's own again, so memory at rest is unchanged; 64 MB
 * raised the peak of the benchmark's edits (123 → 140 MB), 48 hardly (128). Both are start-up
 * flags only, so whoever starts the server passes them: the VS Code client in its `execArgv`,
 * `os-policy lsp` by re-executing itself (see `serverRestart.ts`).
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=8',
  '--initial-old-space-size=48',
];
