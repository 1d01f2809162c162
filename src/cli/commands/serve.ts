import type { Command } from 'commander';
import { serve } from '../../server/serve.js';
import { intOption } from '../parse.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('host the engine and the user interface for a browser (binds to 127.0.0.1 unless told otherwise)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', intOption('--port'), 8080)
    .option('--host <address>', 'address to bind; anything but loopback exposes the engine to the network', '127.0.0.1')
    .action(async (o: { port: number; host: string }) => {
      const server = await serve({ port: o.port, host: o.host });
      process.stdout.write(`Latent Explorer is at ${server.url}\n`);
      if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') {
        process.stderr.write('Warning: the engine is reachable from other machines on this network; it has no authentication.\n');
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stderr.write('Shutting down…\n');
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
