/** Byte pixels (0…255) to [−1, 1]: v/127.5 − 1 (score_sde's centred data, as `2·(v/255) − 1`). */
export function bytesToUnitRange(bytes: Uint8Array | ArrayLike<number>, out = new Float32Array(bytes.length)): Float32Array {
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 127.5 - 1;
  return out;
}
