// The script the browser test loads: it imports scorekit's browser entries as an application would (no shims),
// and exposes one function the test calls through Playwright.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend, type BackendName } from '@scorekit/core';
import { SAMPLER_CASE_NAMES, liveTensors, runSamplerCase, type SamplerCaseName } from './samplerCases.js';

/** What one page reports back to the test. */
export interface BrowserRun {
  /** The backend selectBackend chose, and those it passed over with why. */
  readonly backend: string;
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  /** From the start of selectBackend to the first case's samples read back (backend start-up, compilation). */
  readonly msToFirstSample: number;
  /** From the start of selectBackend to the last case's samples. */
  readonly msTotal: number;
  readonly samples: Readonly<Partial<Record<SamplerCaseName, number[]>>>;
  readonly leakedTensors: number;
}

async function runInBrowser(backend: BackendName | 'auto', cases: readonly SamplerCaseName[] = SAMPLER_CASE_NAMES): Promise<BrowserRun> {
  // A bundled page has no script URL to find tfjs-backend-wasm's binaries from: name where they are served.
  setWasmPaths(new URL('/wasm/', location.href).href);
  const start = performance.now();
  const choice = await selectBackend({ backend, report: false });
  let msToFirstSample = 0;
  const before = liveTensors();
  const samples: Partial<Record<SamplerCaseName, number[]>> = {};
  for (const name of cases) {
    samples[name] = Array.from(await runSamplerCase(name));
    if (msToFirstSample === 0) msToFirstSample = performance.now() - start;
  }
  const msTotal = performance.now() - start;
  return { backend: choice.name, skipped: choice.skipped, msToFirstSample, msTotal, samples, leakedTensors: liveTensors() - before };
}

(globalThis as { scorekitRun?: typeof runInBrowser }).scorekitRun = runInBrowser;
