import type { Command } from 'commander';
import { startGalleryServer } from '@scorekit/gallery';
import { CliError } from '../errors.js';

interface GalleryFlags {
  readonly runs: string;
  readonly port: string;
  readonly host: string;
  readonly json?: boolean;
}

/**
 * Registers `scorekit gallery`: serves the web gallery (apps/gallery) over a runs folder until Ctrl-C, on the
 * loopback interface unless `--host` says otherwise, and prints its URL on stdout.
 *
 * @example
 * registerGalleryCommand(program); // scorekit gallery --runs runs --port 8080
 */
export function registerGalleryCommand(program: Command): void {
  program
    .command('gallery')
    .description('serve the web gallery over a folder of runs (sample grids, curves, comparisons, human evaluation, in-browser sampling)')
    .requiredOption('--runs <dir>', 'the folder that holds the run folders')
    .option('--port <n>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <addr>', 'interface to listen on (127.0.0.1 keeps it on this machine)', '127.0.0.1')
    .option('--json', 'print the start-up line as JSON: {"url": …, "runs": …}')
    .action(async (flags: GalleryFlags) => {
      const port = Number(flags.port);
      if (!/^\d+$/.test(flags.port) || port > 65535) throw new CliError(`--port must be an integer in [0, 65535], got '${flags.port}'`);
      const gallery = await startGalleryServer({ runs: flags.runs, port, host: flags.host }).catch((e: unknown) => {
        throw new CliError(`Cannot start the gallery: ${(e as Error).message}`);
      });
      process.stdout.write(flags.json === true ? `${JSON.stringify({ url: gallery.url, runs: flags.runs })}\n` : `scorekit gallery: ${gallery.url}\n`);
      if (flags.host !== '127.0.0.1' && flags.host !== 'localhost' && flags.host !== '::1') {
        process.stderr.write(`warning: listening on ${flags.host}: anyone who can reach it can read the runs folder and vote\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await gallery.close();
    });
}
