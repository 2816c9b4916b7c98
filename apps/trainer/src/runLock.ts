import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { CliError } from './errors.js';
import { describeFsError } from './outputPath.js';

/** The lock file of a run folder: it holds the pid of the one process writing the run. */
export const RUN_LOCK_FILE = '.lock';

/**
 * Makes this process the only writer of a run folder: creates `<dir>/.lock` holding its pid, exclusively. A lock
 * whose process no longer runs (a killed or crashed run) is stale and taken over; a live holder is an error that
 * names its pid. Returns the function that releases the lock (idempotent).
 *
 * @example
 * const release = await acquireRunLock('runs/demo');
 * try { await train(); } finally { await release(); }
 */
export async function acquireRunLock(dir: string): Promise<() => Promise<void>> {
  const file = nodePath.join(dir, RUN_LOCK_FILE);
  const body = `${process.pid}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, body, { flag: 'wx' });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        // Remove only our own lock (a stale-lock takeover elsewhere must not be undone).
        const text = await fs.readFile(file, 'utf8').catch(() => '');
        if (text === body) await fs.rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CliError(`Cannot lock the run folder ${dir}: ${describeFsError(e)}`, 1);
      }
    }
    const holder = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
      throw new CliError(
        `${dir} is in use by another scorekit process (pid ${holder}, lock file ${file}). Wait for it to finish or stop it; ` +
          `if no such process is training, delete ${file}.`,
        1,
      );
    }
    // Stale: its writer is gone (or the file is unreadable junk). Remove it and try again.
    await fs.rm(file, { force: true });
  }
  throw new CliError(`Cannot lock the run folder ${dir}: another process keeps taking the lock ${file}`, 1);
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
