// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320: the checksum of zlib, PNG and gzip) in plain JavaScript,
// for the tensor-file checksum where Node's zlib is absent (browsers). Slicing-by-4 tables: four bytes per table
// round, a few hundred MB/s, which is plenty for checkpoints fetched over a network.

const TABLES: Uint32Array[] = (() => {
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t0[n] = c >>> 0;
  }
  const tables = [t0];
  for (let j = 1; j < 4; j++) {
    const prev = tables[j - 1]!;
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    tables.push(t);
  }
  return tables;
})();

/**
 * The CRC-32 of `data`, continuing from `value` (the CRC of what came before; 0 to start) — the same function and
 * running convention as Node's `zlib.crc32(data, value)`.
 */
export function crc32(data: Uint8Array, value = 0): number {
  const [t0, t1, t2, t3] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~value >>> 0;
  let i = 0;
  const n4 = data.length - (data.length % 4);
  for (; i < n4; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t3[c & 0xff]! ^ t2[(c >>> 8) & 0xff]! ^ t1[(c >>> 16) & 0xff]! ^ t0[c >>> 24]!;
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** A CRC-32 function with zlib's running convention: `crc(data, previous)`. */
export type Crc32 = (data: Uint8Array, value?: number) => number;
