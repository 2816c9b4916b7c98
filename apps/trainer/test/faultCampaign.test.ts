import { describe, expect, it } from 'vitest';
import { faultCases, quickCases, runCampaign } from '../scripts/faultCampaign.js';

describe('the fault campaign (quick subset; `pnpm fault-campaign` runs all of it)', () => {
  it('holds at least 400 inputs and faults', () => {
    expect(faultCases().length).toBeGreaterThanOrEqual(400);
  });

  it('every case of the quick subset is ok: no data lost, nothing silently wrong, no unclear message', async () => {
    const cases = quickCases();
    const { results, counts } = await runCampaign(cases);
    const bad = results.filter((r) => r.verdict !== 'ok').map((r) => `${r.verdict}: ${r.name} — ${r.why}`);
    expect(bad).toEqual([]);
    expect(counts.ok).toBe(cases.length);
  });
});
