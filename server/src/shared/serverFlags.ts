/**
 * Node flags the language server should start with. Node 22 and later let V8's young generation
 * grow to 64 MB, and the pages it leaves behind stay resident: a 10,000-rule file took the server
 * to 170-280 MB where 8 MB semi-spaces (Node 20's default is 16) keep it under 150 at the same
 * speed. The size is a start-up flag only, so whoever starts the server passes it: the VS Code
 * client in its `execArgv`, `os-policy lsp` by re-executing itself (see `serverRestart.ts`).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
