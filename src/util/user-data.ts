import os from 'node:os';
import path from 'node:path';

/**
 * The per-user folder where the app keeps what must survive a restart (the
 * autosaved model): `~/.local/share/latent-explorer` on Linux (or
 * $XDG_DATA_HOME), `~/Library/Application Support/Latent Explorer` on macOS,
 * `%APPDATA%\Latent Explorer` on Windows. LATENT_EXPLORER_DATA_DIR overrides it.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  if (env.LATENT_EXPLORER_DATA_DIR) return path.resolve(env.LATENT_EXPLORER_DATA_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Latent Explorer');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Latent Explorer');
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(xdg, 'latent-explorer');
}
