/** Little-endian float64 bytes as base64: values round-trip exactly through JSON. */
export function toBase64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i], true);
  return bytesToBase64(bytes);
}

/**
 * Decodes base64 float64 (as {@link toBase64} writes) or a (nested) number array; pushes a problem naming `name`
 * and returns null when it is malformed, of the wrong length (unless `length` < 0) or not finite.
 */
export function decodeArray(v: unknown, name: string, length: number, problems: string[]): Float64Array | null {
  let out: Float64Array;
  if (typeof v === 'string') {
    const bytes = base64ToBytes(v);
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

// Node's Buffer where it exists (fast, and lenient about whitespace as before); atob/btoa in browsers.
function bytesToBase64(bytes: Uint8Array): string {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return Buffer.from(text, 'base64');
  const binary = atob(text.replace(/\s/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
