// The numbers behind the run page's density plot, free of the DOM so that Node tests them: a 2D Gaussian
// mixture's exact density, a 2D histogram of samples, highest-density levels and their contour segments.

/**
 * The density of a 2D Gaussian mixture `{ weights, means, covariances? | stds? }` (the JSON of @scorekit/data's
 * GaussianMixture) as a function of (x, y).
 *
 * @param {{ weights: readonly number[], means: readonly (readonly number[])[], covariances?: readonly (readonly (readonly number[])[])[], stds?: readonly number[] }} mixture
 * @returns {(x: number, y: number) => number}
 */
export function mixtureDensity2d(mixture) {
  const { weights, means, covariances, stds } = mixture;
  const total = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w, k) => {
    const s = stds?.[k];
    const [[a, b], [, d]] = covariances?.[k] ?? [[s * s, 0], [0, s * s]];
    const det = a * d - b * b;
    return { w: w / total, mx: means[k][0], my: means[k][1], ia: d / det, ib: -b / det, id: a / det, norm: 1 / (2 * Math.PI * Math.sqrt(det)) };
  });
  return (x, y) => {
    let p = 0;
    for (const c of parts) {
      const dx = x - c.mx;
      const dy = y - c.my;
      p += c.w * c.norm * Math.exp(-0.5 * (c.ia * dx * dx + 2 * c.ib * dx * dy + c.id * dy * dy));
    }
    return p;
  };
}

/** `f` on a (cells+1)×(cells+1) lattice of corners over `view` = [xmin, xmax, ymin, ymax], row-major from ymin. */
export function lattice(f, view, cells) {
  const [xa, xb, ya, yb] = view;
  const values = new Float64Array((cells + 1) * (cells + 1));
  for (let j = 0; j <= cells; j++) for (let i = 0; i <= cells; i++) values[j * (cells + 1) + i] = f(xa + ((xb - xa) * i) / cells, ya + ((yb - ya) * j) / cells);
  return values;
}

/**
 * Highest-density levels: for each mass m, the density level whose super-level set holds m of the mass on the
 * lattice (cell area × values, sorted from the top) — the region a fraction m of the samples should fall in.
 */
export function highestDensityLevels(values, masses) {
  const sorted = Float64Array.from(values).sort().reverse();
  const total = sorted.reduce((a, b) => a + b, 0);
  return masses.map((m) => {
    let acc = 0;
    for (const v of sorted) {
      acc += v;
      if (acc >= m * total) return v;
    }
    return sorted[sorted.length - 1];
  });
}

/**
 * Contour segments of the lattice `values` at `level` (marching squares with linear interpolation on the cell
 * edges; a saddle cell joins its crossings in edge order), as [x0, y0, x1, y1] in data units.
 */
export function contourSegments(values, view, cells, level) {
  const [xa, xb, ya, yb] = view;
  const hx = (xb - xa) / cells;
  const hy = (yb - ya) / cells;
  const at = (i, j) => values[j * (cells + 1) + i];
  const segments = [];
  for (let j = 0; j < cells; j++) {
    for (let i = 0; i < cells; i++) {
      // Corners in order around the cell: (i, j), (i+1, j), (i+1, j+1), (i, j+1).
      const corners = [
        [i, j],
        [i + 1, j],
        [i + 1, j + 1],
        [i, j + 1],
      ];
      const crossings = [];
      for (let e = 0; e < 4; e++) {
        const [p, q] = [corners[e], corners[(e + 1) % 4]];
        const [vp, vq] = [at(...p), at(...q)];
        if (vp >= level === vq >= level) continue;
        const s = (level - vp) / (vq - vp);
        crossings.push([xa + (p[0] + s * (q[0] - p[0])) * hx, ya + (p[1] + s * (q[1] - p[1])) * hy]);
      }
      for (let k = 0; k + 1 < crossings.length; k += 2) segments.push([...crossings[k], ...crossings[k + 1]]);
    }
  }
  return segments;
}

/** Counts of the points (flat [x0, y0, …]) in a bins×bins grid over `view`, row-major from ymin; points outside are left out. */
export function histogram2d(points, view, bins) {
  const [xa, xb, ya, yb] = view;
  const counts = new Uint32Array(bins * bins);
  for (let k = 0; k + 1 < points.length; k += 2) {
    const i = Math.floor(((points[k] - xa) / (xb - xa)) * bins);
    const j = Math.floor(((points[k + 1] - ya) / (yb - ya)) * bins);
    if (i >= 0 && i < bins && j >= 0 && j < bins) counts[j * bins + i]++;
  }
  return counts;
}
