// `pnpm fault-campaign [--quick] [--verbose] [--skip <regex>]` (apps/trainer): runs the fault campaign (scripts/faultCampaign.ts)
// against the CLI and prints each case that is not ok, then the counts. Exits 1 unless every case is ok.
import { faultCases, quickCases, runCampaign } from './faultCampaign.js';

const quick = process.argv.includes('--quick');
const verbose = process.argv.includes('--verbose');
// --skip <regex>: leave out cases by name (e.g. the memory cases, when trying the campaign on older code that would
// really allocate what they ask for).
const skipAt = process.argv.indexOf('--skip');
const skip = skipAt > 0 ? new RegExp(process.argv[skipAt + 1] ?? '^$') : undefined;
const cases = (quick ? quickCases() : faultCases()).filter((c) => skip == null || !skip.test(c.name));
const started = Date.now();
process.stdout.write(`fault campaign: ${cases.length} cases${quick ? ' (quick subset)' : ''}\n`);
const { counts } = await runCampaign(cases, (r) => {
  if (r.verdict !== 'ok' || verbose) process.stdout.write(`${r.verdict.padEnd(14)} ${r.name}${r.why !== '' ? ` — ${r.why}` : ''}\n`);
});
process.stdout.write(`${JSON.stringify({ cases: cases.length, ...counts, seconds: Math.round((Date.now() - started) / 1000) })}\n`);
process.exitCode = counts.ok === cases.length ? 0 : 1;
