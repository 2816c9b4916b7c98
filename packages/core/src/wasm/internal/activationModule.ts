import { I32, V128, WasmFunction, assembleModule } from './WasmAssembler.js';

/**
 * SiLU and its derivative in one pass over memory each (tfjs composes SiLU from a sigmoid and a multiply, and its
 * gradient from five more element-wise passes):
 * - `silu(src, dst, vectors)`: dst = x·σ(x) for `vectors` groups of 4 floats.
 * - `siluDerivative(src, dst, vectors)`: dst = σ(x)·(1 + x·(1 − σ(x))).
 * σ(x) = 1 / (1 + e^{−x}) with e^y from a range reduction y = n·ln 2 + r, |r| ≤ ln 2 / 2 (ln 2 in two parts, so r
 * is exact to ~1e-10), the degree-6 Taylor polynomial of e^r (truncation ≤ 0.347⁷/7! ≈ 1.2e-7 relative) and 2ⁿ
 * built in the exponent bits. y is clamped to [−87.3, 88.3] so that 2ⁿ stays a normal float (σ within 1e-38 of 1
 * for x > 87.3), and σ is set to exactly 0 for x < −88.3. 1 − σ is formed as e^{−x}·σ, free of cancellation.
 * NaN stays NaN.
 */
export interface ActivationExports {
  silu(src: number, dst: number, vectors: number): void;
  siluDerivative(src: number, dst: number, vectors: number): void;
}

const LOG2E = Math.LOG2E;
/** Range of y = −x for which 2ⁿ stays a normal float32. */
const Y_MAX = 88.3;
const Y_MIN = -87.3;
/** 1.5·2²³: float32 values near it are spaced 1 apart, so adding it rounds to an integer. */
const ROUNDER = 12582912;
/** Its bit pattern (0x4B400000): t's bits minus this are the integer added. */
const ROUNDER_BITS = 0x4b400000;
// ln 2 = LN2_HI + LN2_LO with LN2_HI exact in 16 bits, so n·LN2_HI is exact for |n| ≤ 2⁸.
const LN2_HI = 0.693145751953125;
const LN2_LO = Math.LN2 - LN2_HI;

function siluFunction(name: 'silu' | 'siluDerivative'): WasmFunction {
  const f = new WasmFunction(name, [I32, I32, I32]);
  const [src, dst, vectors] = [0, 1, 2];
  const [x, y, t, n, r, p, e, sig] = Array.from({ length: 8 }, () => f.local(V128));
  // Constants in locals, set before the loop (a v128.const inside it is rebuilt on every iteration).
  const constants = new Map<number, number>();
  const k = (value: number): number => {
    let local = constants.get(value);
    if (local === undefined) {
      local = f.local(V128);
      f.f32x4Const(value).set(local);
      constants.set(value, local);
    }
    return local;
  };
  const poly = [1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1];
  for (const c of [-1, Y_MAX, Y_MIN, LOG2E, ROUNDER, LN2_HI, LN2_LO, ...poly]) k(c);
  const bias = f.local(V128);
  f.i32x4Const(127 - ROUNDER_BITS).set(bias);
  f.get(vectors).i32Const(0).i32GtS().if().loop();
  f.get(src).v128Load(0).set(x);
  // e = e^y for y = −x, clamped
  f.get(x).get(k(-1)).f32x4Mul().set(y);
  // pseudo-min/max (comparisons that keep y when it is NaN): wasm's f32x4.min/max cost 1.2 ns per float here
  f.get(y).get(k(Y_MAX)).f32x4Pmin().get(k(Y_MIN)).f32x4Pmax().set(r);
  // n = round(y·log₂e): adding 1.5·2²³ rounds to an integer (ties to even) and leaves it in the low mantissa bits
  f.get(r).get(k(LOG2E)).f32x4Mul().get(k(ROUNDER)).f32x4Add().set(t);
  f.get(t).get(k(ROUNDER)).f32x4Sub().set(n);
  f.get(r).get(n).get(k(LN2_HI)).f32x4Mul().f32x4Sub().get(n).get(k(LN2_LO)).f32x4Mul().f32x4Sub().set(r);
  // p = 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r/720)))))
  f.get(r).get(k(poly[0])).f32x4Mul().get(k(poly[1])).f32x4Add().set(p);
  for (const c of [...poly.slice(2), 1]) f.get(p).get(r).f32x4Mul().get(k(c)).f32x4Add().set(p);
  // 2ⁿ = (n + 127) << 23 as float bits, n being t's bits less those of 1.5·2²³
  f.get(t).get(bias).i32x4Add().i32Const(23).i32x4Shl();
  f.get(p).f32x4Mul().set(e);
  // σ = 1 / (1 + e), and exactly 0 where e^y overflows (y > Y_MAX)
  f.get(k(1)).get(k(1)).get(e).f32x4Add().f32x4Div();
  f.get(y).get(k(Y_MAX)).f32x4Gt().v128AndNot().set(sig);
  f.get(dst);
  if (name === 'silu') f.get(x).get(sig).f32x4Mul();
  // σ(1 + x(1 − σ)) with 1 − σ = e·σ (no cancellation where σ → 1)
  else f.get(sig).get(k(1)).get(x).get(e).get(sig).f32x4Mul().f32x4Mul().f32x4Add().f32x4Mul();
  f.v128Store(0);
  f.get(src).i32Const(16).i32Add().set(src);
  f.get(dst).i32Const(16).i32Add().set(dst);
  f.get(vectors).i32Const(1).i32Sub().tee(vectors).brIf(0);
  f.end().end();
  return f;
}

export function activationModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule([siluFunction('silu'), siluFunction('siluDerivative')]);
}
