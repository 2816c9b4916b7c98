/** Little-endian float64 bytes as base64: values round-trip exactly through JSON. */
export function toBase64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i], true);
  return Buffer.from(bytes).toString('base64');
}

/**
 * Decodes base64 float64 (as {@link toBase64} writes) or a (nested) number array; pushes a problem naming `name`
 * and returns null when it is malformed, of the wrong length (unless `length` < 0) or not finite.
 */
export function decodeArray(v: unknown, name: string, length: number, problems: string[]): Float64Array | null {
  let out: Float64Array;
  if (typeof v === 'string') {
    const bytes = Buffer.from(v, 'base64');
    if (bytes.length % 8 !== 0) {
      problems.push(`${name} must be base64 of little-endian float64 values (byte length a multiple of 8)`);
      return null;
    }
    out = new Float64Array(bytes.length / 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  } else if (Array.isArray(v)) {
    const flat = (v as unknown[]).flat();
    if (!flat.every((x) => typeof x === 'number')) {
      problems.push(`${name} must contain only numbers`);
      return null;
    }
    out = Float64Array.from(flat as number[]);
  } else {
    problems.push(`${name} must be a base64 string or an array of numbers; got ${v === undefined ? 'nothing' : typeof v}`);
    return null;
  }
  if (length >= 0 && out.length !== length) {
    problems.push(`${name} has ${out.length} values; expected ${length}`);
    return null;
  }
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    problems.push(`${name}[${bad}] is ${out[bad]}; values must be finite`);
    return null;
  }
  return out;
}
