// The bundled language server (dist/server.js): over IPC from the VS Code client, or `--stdio`.
import { startServer } from './lsp/server';

startServer();
