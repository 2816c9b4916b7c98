// Byte-order helpers shared by the .npy and tensor-file readers and writers. Files are little-endian (and .npy
// may be big-endian); typed arrays use the host's order, which is little-endian on every platform Node ships for,
// but nothing here assumes it.

/** Whether this machine stores multi-byte numbers least significant byte first. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the bytes of each `itemSize`-byte element of `bytes`, in place. */
export function swapBytesInPlace(bytes: Uint8Array, itemSize: number): void {
  if (itemSize <= 1) return;
  for (let i = 0; i + itemSize <= bytes.length; i += itemSize) {
    for (let j = i, k = i + itemSize - 1; j < k; j++, k--) {
      const t = bytes[j];
      bytes[j] = bytes[k];
      bytes[k] = t;
    }
  }
}

/**
 * Copies `count` elements of `itemSize` bytes starting at `offset` into a fresh, aligned ArrayBuffer in host byte
 * order. The caller has checked that the range lies inside `bytes`.
 */
export function copyToHostOrder(
  bytes: Uint8Array,
  offset: number,
  count: number,
  itemSize: number,
  littleEndian: boolean,
): ArrayBuffer {
  // Not bytes.slice: on a Node Buffer that is a view into a shared pool, not a copy.
  const out = new Uint8Array(count * itemSize);
  out.set(bytes.subarray(offset, offset + count * itemSize));
  if (littleEndian !== HOST_IS_LITTLE_ENDIAN) swapBytesInPlace(out, itemSize);
  return out.buffer;
}

/** The bytes of a typed array in little-endian order: a view when the host is little-endian, else a swapped copy. */
export function littleEndianBytes(array: ArrayBufferView & { readonly BYTES_PER_ELEMENT: number }): Uint8Array {
  const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || array.BYTES_PER_ELEMENT === 1) return view;
  const copy = new Uint8Array(view);
  swapBytesInPlace(copy, array.BYTES_PER_ELEMENT);
  return copy;
}
