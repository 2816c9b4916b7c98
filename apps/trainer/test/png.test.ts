import { describe, expect, it } from 'vitest';
import { decodePng, imageGridPng, scatterPng } from '../src/png.js';

describe('imageGridPng', () => {
  it('tiles images with 2-pixel gaps and maps [−1, 1] to 0…255', () => {
    // 3 grey 2×2 images: values −1, 0, 1 (pixel 0, 127.5 → 128, 255); 2 columns → 2 rows
    const values = [...Array(4).fill(-1), ...Array(4).fill(0), ...Array(4).fill(1)];
    const png = decodePng(imageGridPng(values, [3, 2, 2, 1]));
    expect([png.width, png.height]).toEqual([2 * 2 + 3 * 2, 2 * 2 + 3 * 2]);
    const px = (x: number, y: number) => png.data[(y * png.width + x) * 4]!;
    expect(px(2, 2)).toBe(0); // image 0 at (2, 2)
    expect(px(6, 2)).toBe(128); // image 1 at (2 + 2 + 2, 2)
    expect(px(2, 6)).toBe(255); // image 2 on the second row
    expect(px(0, 0)).toBe(255); // gap is white
    expect(px(7, 7)).toBe(255); // the empty fourth cell stays white
  });

  it('keeps colour channels and rejects mismatched shapes', () => {
    const png = decodePng(imageGridPng([1, -1, -1], [1, 1, 1, 3], { gap: 0 }));
    expect(Array.from(png.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
    expect(() => imageGridPng([0, 0], [1, 1, 1, 3])).toThrow(/2 values do not match shape \[1, 1, 1, 3\]/);
  });
});

describe('scatterPng', () => {
  // The plot area starts 34 pixels from the left and ends 14 above the bottom (room for tick labels).
  const LEFT = 34;
  const BOTTOM = 14;

  it('puts a point at its place in the view box, y up, and counts points outside', () => {
    const size = 135; // plot area 101 × 121
    const { png, outside } = scatterPng([1, 1, 5, 0], { size, view: { min: -2, max: 2 } });
    expect(outside).toBe(1);
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([size, size]);
    const at = (x: number, y: number) => Array.from(img.data.subarray((y * size + x) * 4, (y * size + x) * 4 + 3));
    // (1, 1) → column 34 + (1 + 2)/4·100 = 109, row (121 − 1) − (3/4)·120 = 30; dots are dark blue over white
    const [r, g, b] = at(LEFT + 75, 30);
    expect(b! - r!).toBeGreaterThan(30);
    expect(g).toBeLessThan(255);
    expect(at(LEFT + 25, 90)).toEqual([255, 255, 255]); // the mirror point (−1, −1) is empty
  });

  it('draws a frame with ticks and numbered labels under the x axis', () => {
    const size = 200;
    const img = decodePng(scatterPng([0, 0], { size, view: { min: -2, max: 2 } }).png);
    const grey = (x: number, y: number) => img.data[(y * size + x) * 4]!;
    const h = size - BOTTOM;
    expect(grey(LEFT + 80, h - 1)).toBe(90); // the bottom frame line
    expect(grey(LEFT, 50)).toBe(90); // the left frame line
    // The tick at x = 0 is the middle column of the plot area; its label "0" (3×5 glyph) is drawn below the
    // frame, centred on it: its top row is fully inked.
    const c = LEFT + Math.round(0.5 * (size - LEFT - 1));
    expect(grey(c, h - 3)).toBe(90);
    expect([grey(c - 1, h + 3), grey(c, h + 3), grey(c + 1, h + 3)]).toEqual([90, 90, 90]);
  });

  it('takes its default view from quantiles: one outlier at 1e6 does not set the range', () => {
    // 999 points on a 37 × 27 grid in [−1, 1]² plus one at (1e6, −1e6)
    const points: number[] = [];
    for (let k = 0; k < 999; k++) points.push(-1 + (2 * (k % 37)) / 36, -1 + (2 * Math.floor(k / 37)) / 26);
    points.push(1e6, -1e6);
    const { view, outside } = scatterPng(points);
    // The 0.5 %–99.5 % quantiles of each axis are within [−1, 1] (the outlier is one of 1000: 0.1 %), widened by
    // 10 % on each side: the span is at most 2.4.
    expect(view.max - view.min).toBeLessThanOrEqual(2.4 + 1e-9);
    expect(view.max - view.min).toBeGreaterThan(2);
    expect((view.yMax ?? view.max) - (view.yMin ?? view.min)).toBeCloseTo(view.max - view.min, 9); // square
    expect(outside).toBeGreaterThanOrEqual(1);
    expect(outside).toBeLessThanOrEqual(1 + 10); // the outlier and at most the 0.5 % tails of the grid
  });

  it('overlays the exact density: shading at the mode and the 50 % contour at radius σ·√(2 ln 2)', () => {
    const size = 334; // plot area 300 × 320
    const sigma = 1;
    const gauss = (p: Float32Array) => Float32Array.from({ length: p.length / 2 }, (_, k) => Math.exp(-(p[2 * k]! ** 2 + p[2 * k + 1]! ** 2) / (2 * sigma ** 2)));
    const view = { min: -3, max: 3 };
    const img = decodePng(scatterPng([], { size, view, density: gauss }).png);
    const rgb = (x: number, y: number) => Array.from(img.data.subarray((y * size + x) * 4, (y * size + x) * 4 + 3));
    const w = size - LEFT;
    const h = size - BOTTOM;
    const row = Math.round((h - 1) / 2); // y ≈ 0
    const colOf = (x: number) => LEFT + Math.round(((x + 3) / 6) * (w - 1));
    // At the mode the density is its maximum: shaded 255 − 40 = 215, or a contour pixel of the 90 % level nearby.
    const centre = rgb(colOf(0.3), row);
    expect(centre[0]).toBeLessThan(230);
    // Orange contour pixels along the row through the mode: the 50 % level crosses at |x| = √(2 ln 2) = 1.1774.
    const orange: number[] = [];
    for (let x = LEFT + 1; x < size; x++) {
      const [r, g, b] = rgb(x, row);
      if (r === 235 && g === 120 && b === 40) orange.push(LEFT + ((x - LEFT) / (w - 1)) * 6 - 3 - LEFT);
    }
    const r50 = Math.sqrt(2 * Math.log(2));
    // One pixel is 6/299 = 0.02 of x; the band edge is marked on the pixel before it changes: allow 2 pixels.
    expect(orange.some((x) => Math.abs(x - r50) < 0.045)).toBe(true);
    expect(orange.some((x) => Math.abs(x + r50) < 0.045)).toBe(true);
    // And none near |x| = 2.5 (density 4.4 % of the maximum, below the lowest level 10 %, whose contour is at 2.146).
    expect(orange.some((x) => Math.abs(Math.abs(x) - 2.5) < 0.1)).toBe(false);
    // Far out the shading is 255 − 40·p/p_max: at x = 2.9, p/p_max = e^(−4.2) ≈ 0.015, so 254 (not 215).
    expect(rgb(colOf(2.9), row)).toEqual([254, 254, 254]);
  });
});

describe('imageGridPng scale', () => {
  it('draws each pixel as a scale×scale block', () => {
    // one 1×2 grey image [−1, 1] at scale 3, no gap: columns 0–2 black, 3–5 white, on all 3 rows
    const png = decodePng(imageGridPng([-1, 1], [1, 1, 2, 1], { gap: 0, scale: 3 }));
    expect([png.width, png.height]).toEqual([6, 3]);
    const row = (y: number) => Array.from({ length: 6 }, (_, x) => png.data[(y * 6 + x) * 4]);
    for (const y of [0, 1, 2]) expect(row(y)).toEqual([0, 0, 0, 255, 255, 255]);
  });
});
