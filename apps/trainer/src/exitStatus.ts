let pending = 0;

/**
 * Records the exit code a command wants without touching `process.exitCode` (so commands can run in-process in
 * tests); `runCli` returns it. Used by `train` for 130 after Ctrl-C.
 *
 * @example
 * setExitCode(130);
 */
export function setExitCode(code: number): void {
  pending = code;
}

/** Returns the code recorded by {@link setExitCode} (0 if none) and resets it. */
export function takeExitCode(): number {
  const code = pending;
  pending = 0;
  return code;
}
