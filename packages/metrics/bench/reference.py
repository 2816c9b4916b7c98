"""The Python side of the metrics benchmark: pytorch-fid's FID and Kynkaenniemi et al.'s k-NN precision/recall,
on the feature files the Node side wrote, timed in this process. Prints one JSON object.

Usage: /usr/bin/python3 bench/reference.py DIR N D K
  DIR/real.f32 and DIR/fake.f32: raw little-endian float32, N x D each.
- FID as pytorch-fid fid_score.py: np.mean / np.cov(rowvar=False) in float64, then calculate_frechet_distance
  (scipy.linalg.sqrtm of sigma1.dot(sigma2), eps = 1e-6 retry when not finite, real part).
- Precision/recall as precision_recall.py knn_precision_recall_features: float32 squared distances
  |u|^2 - 2 u.v + |v|^2 clamped at 0, in row batches of 10000; radii = np.partition(..., k)[:, k] (self
  included at index 0); "inside" is <=. The four distance matrices (real-real, fake-fake, fake-real,
  real-fake) are computed as in the reference: the cross matrix twice.
"""
import json
import sys
import time

import numpy as np
from scipy import linalg


def frechet(mu1, s1, mu2, s2, eps=1e-6):
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(s1.shape[0]) * eps
        covmean = linalg.sqrtm((s1 + offset).dot(s2 + offset))
    covmean = covmean.real
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def distances(u, v):
    nu = np.sum(np.square(u), axis=1, dtype=np.float32)[:, None]
    nv = np.sum(np.square(v), axis=1, dtype=np.float32)[None, :]
    return np.maximum(nu - 2 * (u @ v.T) + nv, np.float32(0))


def radii(features, k, batch=10000):
    out = np.zeros(features.shape[0], np.float32)
    for b in range(0, features.shape[0], batch):
        d = distances(features[b:b + batch], features)
        out[b:b + batch] = np.partition(d, k, axis=1)[:, k]
    return out


def in_manifold(ref, ref_radii, evals, batch=10000):
    hits = np.zeros(evals.shape[0], bool)
    for b in range(0, evals.shape[0], batch):
        d = distances(evals[b:b + batch], ref)
        hits[b:b + batch] = np.any(d <= ref_radii[None, :], axis=1)
    return hits


def main():
    folder, n, d, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    real = np.fromfile(f'{folder}/real.f32', dtype='<f4').reshape(n, d)
    fake = np.fromfile(f'{folder}/fake.f32', dtype='<f4').reshape(n, d)

    t0 = time.perf_counter()
    mu1, s1 = np.mean(real, axis=0, dtype=np.float64), np.cov(real, rowvar=False)
    mu2, s2 = np.mean(fake, axis=0, dtype=np.float64), np.cov(fake, rowvar=False)
    t1 = time.perf_counter()
    fid = frechet(mu1, s1, mu2, s2)
    t2 = time.perf_counter()
    fid_stats_s, fid_sqrtm_s = t1 - t0, t2 - t1

    # Not timed: the same FID through the clipped symmetric form in float64 (eigh), to tell how far sqrtm's
    # own rounding moves the reference on ill-conditioned covariances.
    w, v = np.linalg.eigh(s1)
    f = v * np.sqrt(np.clip(w, 0, None))
    m = f.T @ s2 @ f
    tr = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    diff = mu1 - mu2
    fid_eigh = float(diff @ diff + np.trace(s1) + np.trace(s2) - 2 * tr)

    t3 = time.perf_counter()
    rr = radii(real, k)
    rf = radii(fake, k)
    precision = float(in_manifold(real, rr, fake).mean())
    recall = float(in_manifold(fake, rf, real).mean())
    t4 = time.perf_counter()

    print(json.dumps({
        'fid': fid, 'fid_eigh': fid_eigh, 'fid_stats_s': fid_stats_s, 'fid_sqrtm_s': fid_sqrtm_s,
        'fid_s': fid_stats_s + fid_sqrtm_s,
        'precision': precision, 'recall': recall, 'pr_s': t4 - t3,
        'numpy': np.__version__, 'scipy': __import__('scipy').__version__,
    }))


if __name__ == '__main__':
    main()
