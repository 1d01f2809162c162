import open from 'open';

/** Values people write to mean "off" in a flag-like environment variable. */
const OFF = new Set(['', '0', 'false', 'no']);

function isOn(value: string | undefined): boolean {
  return value !== undefined && !OFF.has(value.trim().toLowerCase());
}

/**
 * Why no browser should be opened here, or undefined when one can be. Pure,
 * so the decision is testable without starting anything.
 */
export function whyNoBrowser(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  if (isOn(env.LATENT_EXPLORER_NO_BROWSER)) return 'LATENT_EXPLORER_NO_BROWSER is set';
  if (isOn(env.CI)) return 'running under CI';
  // macOS and Windows always have a desktop to open on; WSL hands the URL to
  // the Windows browser even when no X or Wayland display is forwarded.
  if (platform === 'darwin' || platform === 'win32' || env.WSL_DISTRO_NAME) return undefined;
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return 'no display: DISPLAY and WAYLAND_DISPLAY are unset';
  return undefined;
}

export interface BrowserOutcome {
  opened: boolean;
  /** Why it did not open, in words a person can act on. */
  reason?: string;
}

/**
 * Opens `url` in the system browser where one can be opened. Never throws:
 * a failure comes back as a reason. "Opened" means the system's opener was
 * started; whether it finds a browser is up to the desktop.
 */
export async function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<BrowserOutcome> {
  const reason = whyNoBrowser(env, platform);
  if (reason) return { opened: false, reason };
  try {
    const child = await open(url);
    // `open` drops its own error listener once the opener has spawned; a late
    // error must not bring the server down with it.
    child.on('error', () => undefined);
    return { opened: true };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { opened: false, reason: `the browser could not be started (${message})` };
  }
}
