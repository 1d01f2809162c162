import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Loaded before every test file (npm test passes --import): engines started by
// tests autosave into a throwaway folder, never into the user's own data folder.
process.env.LATENT_EXPLORER_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'le-data-'));
