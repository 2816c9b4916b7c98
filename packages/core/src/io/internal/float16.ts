// IEEE 754 binary16 → binary32. Every half-precision value (subnormals, ±∞, NaN) is exactly representable in
// float32, so widening is lossless. Layout: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.

/** Widens raw float16 bit patterns to float32 values. */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * fraction * 2 ** -24; // zero or subnormal: fraction · 2^(1−15−10)
    else if (exponent === 0x1f) out[i] = fraction === 0 ? sign * Infinity : Number.NaN;
    else out[i] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return out;
}
