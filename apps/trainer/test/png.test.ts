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
  it('puts a point at its place in the view box, y up, and counts points outside', () => {
    const { png, outside } = scatterPng([1, 1, 5, 0], { size: 101, view: { min: -2, max: 2 } });
    expect(outside).toBe(1);
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([101, 101]);
    // (1, 1) → column (1 + 2)/4·100 = 75, row 100 − 75 = 25; dots are dark blue over white
    const at = (x: number, y: number) => Array.from(img.data.subarray((y * 101 + x) * 4, (y * 101 + x) * 4 + 3));
    const [r, g, b] = at(75, 25);
    expect(b! - r!).toBeGreaterThan(30);
    expect(g).toBeLessThan(255);
    expect(at(25, 75)).toEqual([255, 255, 255]); // the mirror point (−1, −1) is empty
  });

  it('defaults to a square view symmetric about 0 that holds every point', () => {
    const { view, outside } = scatterPng([3, -1, -0.5, 2]);
    expect(view.max).toBeCloseTo(3.3, 10);
    expect(view.min).toBeCloseTo(-3.3, 10);
    expect(outside).toBe(0);
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
