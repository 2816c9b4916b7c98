// The tensor-file format behind saveTensors/loadTensors. It is safetensors (huggingface/safetensors, README
// "Format"): an 8-byte little-endian header length N, N bytes of JSON header padded with spaces to a multiple of 8,
// then the tensors' raw little-endian bytes, C order, back to back. Each header entry is
// { dtype, shape, data_offsets: [begin, end] } relative to the data section; `__metadata__` maps strings to strings.
// Python reads our files with `safetensors.numpy.load_file`, and we read theirs.
//
// scorekit adds, inside `__metadata__`: `scorekit.metadata` (the caller's JSON metadata) and `scorekit.crc32`, a
// CRC-32 over a canonical form of the header (names, dtypes, shapes, offsets, metadata) followed by the data,
// so any corruption that still parses is caught too.
// No Node import here: the browser entry decodes with the plain-JavaScript CRC-32; Node's IO passes zlib's.
import { crc32 as crc32Js, type Crc32 } from './crc32.js';
import { copyToHostOrder, littleEndianBytes } from './byteOrder.js';
import { float16ToFloat32 } from './float16.js';
import type { JsonObject } from '../JsonValue.js';

export type TensorFileDtype = 'float32' | 'int32' | 'bool';
export type TensorValues = Float32Array | Int32Array | Uint8Array;

export interface TensorEntry {
  readonly name: string;
  readonly dtype: TensorFileDtype;
  readonly shape: readonly number[];
  readonly values: TensorValues;
}


const FORMAT_KEY = 'scorekit.format';
const FORMAT_VERSION = '1';
const METADATA_KEY = 'scorekit.metadata';
const CRC_KEY = 'scorekit.crc32';
// safetensors refuses headers over 100 MB (safetensors/src/tensor.rs MAX_HEADER_SIZE); so do we.
const MAX_HEADER_BYTES = 100_000_000;

const WRITE_CODES: Record<TensorFileDtype, string> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

// What we read, and the tfjs dtype it becomes; every conversion is exact.
const READ_CODES: Record<string, { size: number; dtype: TensorFileDtype }> = {
  F32: { size: 4, dtype: 'float32' },
  I32: { size: 4, dtype: 'int32' },
  BOOL: { size: 1, dtype: 'bool' },
  F16: { size: 2, dtype: 'float32' },
  BF16: { size: 2, dtype: 'float32' },
  U8: { size: 1, dtype: 'int32' },
  I8: { size: 1, dtype: 'int32' },
  U16: { size: 2, dtype: 'int32' },
  I16: { size: 2, dtype: 'int32' },
};

const WHY_NOT: Record<string, string> = {
  F64: 'tfjs has no float64 and narrowing would lose precision',
  I64: 'tfjs has no int64',
  U64: 'tfjs has no uint64',
  U32: 'tfjs has no uint32',
};

interface Placed {
  readonly name: string;
  readonly code: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** Serialises tensors and metadata; returns the chunks of the file in order. */
export function encodeTensorFile(entries: readonly TensorEntry[], metadata: JsonObject, crc32: Crc32 = crc32Js): Uint8Array[] {
  // Widest element first, then by name, as safetensors' own writer does, so every tensor is aligned to its size.
  const ordered = [...entries].sort((a, b) => b.values.BYTES_PER_ELEMENT - a.values.BYTES_PER_ELEMENT || cmp(a.name, b.name));
  const placed: Placed[] = [];
  const data: Uint8Array[] = [];
  let cursor = 0;
  for (const e of ordered) {
    const bytes = littleEndianBytes(e.values);
    placed.push({ name: e.name, code: WRITE_CODES[e.dtype], shape: e.shape, begin: cursor, end: cursor + bytes.length });
    data.push(bytes);
    cursor += bytes.length;
  }
  const fileMetadata: Record<string, string> = { [FORMAT_KEY]: FORMAT_VERSION, [METADATA_KEY]: JSON.stringify(metadata) };
  const crc = checksum(placed, fileMetadata, data, crc32);
  const header: Record<string, unknown> = { __metadata__: { ...fileMetadata, [CRC_KEY]: hex32(crc) } };
  for (const p of placed) header[p.name] = { dtype: p.code, shape: p.shape, data_offsets: [p.begin, p.end] };
  let json = JSON.stringify(header);
  const jsonBytes = new TextEncoder().encode(json);
  const padding = (8 - (jsonBytes.length % 8)) % 8;
  json += ' '.repeat(padding);
  const headerBytes = new TextEncoder().encode(json);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setUint32(0, headerBytes.length, true); // high word stays 0: headers are < 4 GiB
  return [prefix, headerBytes, ...data];
}

export interface DecodedTensorFile {
  readonly entries: TensorEntry[];
  readonly metadata: JsonObject;
  /** Whether a scorekit checksum was present and matched. */
  readonly verified: boolean;
}

/** Parses and validates a tensor file; `fail` throws the caller's error type with a description of the problem. */
export function decodeTensorFile(
  bytes: Uint8Array,
  allowUnverified: boolean,
  fail: (problem: string) => never,
  crc32: Crc32 = crc32Js,
): DecodedTensorFile {
  if (bytes.length < 8) {
    fail(`the file is ${bytes.length} bytes long, too short for the 8-byte header length of a safetensors file`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLength = hi * 2 ** 32 + lo;
  if (headerLength > bytes.length - 8) {
    fail(`the header length field says ${headerLength} bytes but only ${bytes.length - 8} follow (truncated, or not a tensor file)`);
  }
  if (headerLength > MAX_HEADER_BYTES) fail(`the header is ${headerLength} bytes; at most ${MAX_HEADER_BYTES} are allowed`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    fail(`the header is not valid UTF-8 JSON (${(e as Error).message}); the file is corrupted or not a tensor file`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header is not a JSON object');

  const fileMetadata: Record<string, string> = {};
  const placed: Placed[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('__metadata__ is not an object of strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        fileMetadata[k] = v;
      }
      continue;
    }
    placed.push(parseEntry(name, raw, fail));
  }

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const byOffset = [...placed].sort(byPlacement);
  let cursor = 0;
  for (const p of byOffset) {
    if (p.begin !== cursor) {
      fail(
        p.begin > cursor
          ? `tensor '${p.name}' starts at data byte ${p.begin} but the previous tensor ends at ${cursor} (gap)`
          : `tensor '${p.name}' starts at data byte ${p.begin}, inside the previous tensor which ends at ${cursor} (overlap)`,
      );
    }
    cursor = p.end;
  }
  if (cursor !== dataLength) {
    fail(
      cursor > dataLength
        ? `the tensors need ${cursor} data bytes but the file has ${dataLength} (truncated)`
        : `the file has ${dataLength - cursor} bytes after the last tensor (corrupted, or two files concatenated)`,
    );
  }

  const data = bytes.subarray(dataStart);
  const crcText = fileMetadata[CRC_KEY];
  let verified = false;
  if (crcText != null) {
    const actual = checksum(byOffset, fileMetadata, [data], crc32);
    if (hex32(actual) !== crcText) {
      fail(`checksum mismatch (stored ${crcText}, computed ${hex32(actual)}): the file is corrupted`);
    }
    if (fileMetadata[FORMAT_KEY] !== FORMAT_VERSION) {
      fail(`it was written by a newer scorekit (tensor file format ${fileMetadata[FORMAT_KEY]}; this one reads ${FORMAT_VERSION})`);
    }
    verified = true;
  } else if (!allowUnverified) {
    fail(
      'the file has no scorekit checksum, so corruption cannot be ruled out (written by another program, or the ' +
        "header was damaged); pass { allowUnverified: true } to load a safetensors file from elsewhere",
    );
  }

  let metadata: JsonObject;
  if (verified) {
    const text = fileMetadata[METADATA_KEY];
    try {
      metadata = text == null ? {} : (JSON.parse(text) as JsonObject);
    } catch (e) {
      fail(`scorekit.metadata is not valid JSON (${(e as Error).message})`);
    }
  } else {
    metadata = fileMetadata;
  }

  const entries = placed.map((p): TensorEntry => {
    const spec = READ_CODES[p.code];
    const count = (p.end - p.begin) / spec.size;
    const raw = copyToHostOrder(bytes, dataStart + p.begin, count, spec.size, true);
    return { name: p.name, dtype: spec.dtype, shape: p.shape, values: widen(p.code, raw) };
  });
  return { entries, metadata, verified };
}

function parseEntry(name: string, raw: unknown, fail: (problem: string) => never): Placed {
  const where = `tensor '${name}'`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`${where} is not an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`${where} has no string dtype`);
  const spec = READ_CODES[dtype];
  if (spec == null) {
    const why = WHY_NOT[dtype] != null ? ` (${WHY_NOT[dtype]})` : '';
    fail(`${where} has dtype ${dtype}${why}; supported: ${Object.keys(READ_CODES).join(', ')}`);
  }
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`${where} has shape ${JSON.stringify(shape)}; expected a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`${where} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end`);
  }
  let count = 1;
  for (const d of shape as number[]) {
    count *= d;
    if (!Number.isSafeInteger(count * spec.size)) fail(`${where} has an absurd shape ${JSON.stringify(shape)}`);
  }
  const [begin, end] = offsets as number[];
  if (end - begin !== count * spec.size) {
    fail(`${where}: shape ${JSON.stringify(shape)} of ${dtype} needs ${count * spec.size} bytes but data_offsets span ${end - begin}`);
  }
  return { name, code: dtype, shape: shape as number[], begin, end };
}

function widen(code: string, raw: ArrayBuffer): TensorValues {
  switch (code) {
    case 'F32':
      return new Float32Array(raw);
    case 'I32':
      return new Int32Array(raw);
    case 'BOOL':
      return Uint8Array.from(new Uint8Array(raw), (v) => (v !== 0 ? 1 : 0));
    case 'F16':
      return float16ToFloat32(new Uint16Array(raw));
    case 'BF16': {
      // bfloat16 is the high half of a float32.
      const bits = new Uint16Array(raw);
      const wide = new Uint32Array(bits.length);
      for (let i = 0; i < bits.length; i++) wide[i] = bits[i] << 16;
      return new Float32Array(wide.buffer);
    }
    case 'U8':
      return Int32Array.from(new Uint8Array(raw));
    case 'I8':
      return Int32Array.from(new Int8Array(raw));
    case 'U16':
      return Int32Array.from(new Uint16Array(raw));
    default:
      return Int32Array.from(new Int16Array(raw));
  }
}

// CRC-32 over a canonical form of everything the header says (every __metadata__ entry but the checksum itself,
// and each tensor's name, dtype, shape and offsets), then over the data.
function checksum(placed: readonly Placed[], fileMetadata: Readonly<Record<string, string>>, data: readonly Uint8Array[], crc32: Crc32): number {
  const entries = Object.entries(fileMetadata)
    .filter(([k]) => k !== CRC_KEY)
    .sort(([a], [b]) => cmp(a, b));
  const canonical = JSON.stringify([entries, [...placed].sort(byPlacement).map((p) => [p.name, p.code, p.shape, p.begin, p.end])]);
  let crc = crc32(new TextEncoder().encode(canonical));
  // Empty chunks are skipped: Node's zlib.crc32 returns 0, not the running value, for a view of an empty
  // ArrayBuffer (seen on Node 20.20).
  for (const chunk of data) if (chunk.length > 0) crc = crc32(chunk, crc);
  return crc;
}

function byPlacement(a: Placed, b: Placed): number {
  return a.begin - b.begin || a.end - b.end || cmp(a.name, b.name);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
