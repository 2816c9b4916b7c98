import { readFileSync } from 'node:fs';

/** Values computed by test/fixtures/make_reference.py with numpy/scipy, following each Python reference. */
export interface ReferenceData {
  small: { real: number[][]; fake: number[][]; fid: number; pr_k1: [number, number]; prdc_k2: Prdc };
  random: {
    real: number[][];
    fake: number[][];
    fid: number;
    pr_k3: [number, number];
    prdc_k5: Prdc;
    kid_full: number;
  };
  singular: { real: number[][]; fake: number[][]; fid: number; fid_sqrtm: number };
  inception: { p: number[][]; is1: number; q: number[][]; mean3: number; std3: number; std3_ddof1: number };
}
interface Prdc {
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}

export const reference: ReferenceData = JSON.parse(
  readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8'),
) as ReferenceData;
