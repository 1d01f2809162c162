import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/latent-explorer.js', import.meta.url));

/**
 * `latent-explorer serve` in a process of its own, for requests that might
 * bring the whole process down: a crash there fails one test, not the run.
 */
export interface ChildServer {
  port: number;
  token: string;
  child: ChildProcess;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export function startChildServer(): Promise<ChildServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, LATENT_EXPLORER_DATA_DIR: tempDir('le-data-') };
  delete env.LATENT_EXPLORER_TOKEN;
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve printed no address in 60 s: ${stderr}`));
    }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Latent Explorer is at (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = new URL(m[1]!);
      resolve({
        port: Number(url.port),
        token: url.searchParams.get('token')!,
        child,
        alive: () => child.exitCode === null && child.signalCode === null,
        stop,
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before it printed its address: ${stderr}`));
    });
  });
}

/** Sends bytes as they are and returns whatever comes back before the server closes (at most `ms`). */
export function rawExchange(port: number, text: string, ms = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(text));
    let got = '';
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
  });
}
