import type { Command } from 'commander';
import { checkToken } from '../../web/access.js';
import { isLoopback, serve } from '../../web/web-server.js';
import { openBrowser } from '../../util/open-browser.js';
import { intOption } from '../parse.js';

interface ServeFlags {
  port: number;
  host: string;
  token?: string;
  allowHost: string[];
  open?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('host the engine and the user interface for a browser (binds to 127.0.0.1 unless told otherwise)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', intOption('--port'), 8080)
    .option('--host <address>', 'address to bind; anything but loopback exposes the engine to the network', '127.0.0.1')
    .option('--token <token>', 'a fixed access token for scripts (or set LATENT_EXPLORER_TOKEN); a random one otherwise')
    .option('--allow-host <name>', "another name the server answers to, such as a TLS proxy's (repeatable)", (v: string, all: string[]) => [...all, v], [])
    .option('--open', 'open the system browser at the address')
    .action(async (o: ServeFlags) => {
      const fixed = o.token ?? process.env.LATENT_EXPLORER_TOKEN;
      const server = await serve({ port: o.port, host: o.host, token: fixed === undefined ? undefined : checkToken(fixed), allowHosts: o.allowHost });
      // Listen for Ctrl-C before the address is printed: whoever reads it may stop the server at once.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          process.stderr.write('Shutting down…\n');
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write(`Latent Explorer is at ${server.url}\n`);
      process.stdout.write('Open that address (the token in it is what lets you in); Ctrl-C stops the server.\n');
      if (!isLoopback(o.host)) {
        process.stderr.write(
          `Warning: listening on ${o.host} lets other machines reach the engine, which reads and writes files as you; ` +
            'the token is all that stands in the way, and it crosses the network in clear. Safer: keep the default ' +
            `--host 127.0.0.1 and reach it through an SSH tunnel (ssh -L ${server.port}:127.0.0.1:${server.port} you@this-machine, ` +
            'then open the address above on your own machine), or put a TLS proxy in front (and name it with --allow-host).\n',
        );
      }
      if (o.open) {
        const r = await openBrowser(server.url);
        if (!r.opened) process.stdout.write(`(No browser opened: ${r.reason ?? 'none could be started'}.)\n`);
      }
      await stopped;
    });
}
