import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import type { Dirent } from 'node:fs';
import { PNG } from 'pngjs';
import { DatasetError } from './DatasetError.js';
import type { ImageDataset } from './ImageDataset.js';

export interface LoadImageFolderOptions {
  /**
   * 'grayscale' (1 channel, the mean of R, G, B), 'rgb' (3 channels), or 'auto' (the default): grayscale when every
   * pixel of every image has R = G = B, else RGB. Alpha is ignored.
   */
  readonly channels?: 'auto' | 'grayscale' | 'rgb';
}

/**
 * Loads every PNG in a folder. If the folder has subfolders, each subfolder is a class (sorted by name; label i is
 * classNames[i]) and its PNGs are that class's images; otherwise the PNGs directly in the folder are loaded without
 * labels. A folder holding both PNGs and subfolders is refused (one of the two would be dropped); names starting
 * with '.' are skipped; symbolic links are followed. Images above {@link MAX_IMAGE_PIXELS} are refused from
 * their header, before decoding. Files are taken in name order. All images must have the same size. Pixels are scaled to [−1, 1].
 * Decoding uses `pngjs` (every bit depth, palette and interlaced PNGs).
 *
 * @example
 * const faces = await loadImageFolder('data/faces-32');            // [n, 32, 32, 3]
 * const digits = await loadImageFolder('data/digits', { channels: 'grayscale' });
 */
export async function loadImageFolder(dir: string, options: LoadImageFolderOptions = {}): Promise<ImageDataset> {
  const mode = options.channels ?? 'auto';
  if (!['auto', 'grayscale', 'rgb'].includes(mode)) {
    throw new Error(`loadImageFolder: channels must be 'auto', 'grayscale' or 'rgb', got ${JSON.stringify(mode)}`);
  }
  const root = nodePath.resolve(dir);
  const entries = await fs.readdir(root, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new DatasetError(root, e.code === 'ENOENT' ? 'no such folder' : e.code === 'ENOTDIR' ? 'is not a folder' : e.message, 'Pass a folder of PNG images (or of class subfolders of PNG images)');
  });
  const isPng = (name: string) => name.toLowerCase().endsWith('.png');
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  // Symbolic links are followed: a link to a PNG is a PNG, a link to a folder is a class.
  const kinds = await Promise.all(entries.filter((e) => !e.name.startsWith('.')).map(async (e) => ({ name: e.name, kind: await entryKind(root, e) })));
  const classes = kinds.filter((e) => e.kind === 'folder').map((e) => e.name).sort(byName);
  const loose = kinds.filter((e) => e.kind === 'file' && isPng(e.name)).map((e) => e.name).sort(byName);
  if (classes.length > 0 && loose.length > 0) {
    // Reading only the subfolders (or only the loose files) would silently drop the other images.
    throw new DatasetError(
      root,
      `holds both PNG files (${preview(loose)}) and subfolders (${preview(classes.map((c) => `${c}/`))})`,
      'A folder data set is either PNG files (no labels) or one subfolder of PNG files per class, not both: move the files into class subfolders, or the subfolders out',
    );
  }
  const files: { path: string; label?: number }[] = [];
  if (classes.length > 0) {
    for (const [label, cls] of classes.entries()) {
      const folder = nodePath.join(root, cls);
      const inner = await fs.readdir(folder, { withFileTypes: true });
      const names: string[] = [];
      for (const e of inner) if (isPng(e.name) && (await entryKind(folder, e)) === 'file') names.push(e.name);
      for (const name of names.sort(byName)) files.push({ path: nodePath.join(folder, name), label });
    }
  } else {
    for (const name of loose) files.push({ path: nodePath.join(root, name) });
  }
  if (files.length === 0) {
    throw new DatasetError(root, 'holds no .png files', 'Put PNG images in the folder, or one subfolder of PNG images per class');
  }

  const decoded: { width: number; height: number; data: Buffer }[] = [];
  for (const f of files) {
    let png: PNG;
    const bytes = await fs.readFile(f.path);
    checkPngHeader(f.path, bytes);
    try {
      png = PNG.sync.read(bytes);
    } catch (e) {
      throw new DatasetError(f.path, `is not a readable PNG (${(e as Error).message})`, 'Remove or replace the file');
    }
    const first = decoded[0];
    if (first && (png.width !== first.width || png.height !== first.height)) {
      throw new DatasetError(
        f.path,
        `is ${png.width}×${png.height} but ${files[0].path} is ${first.width}×${first.height}`,
        'All images in a folder dataset must have the same size; resize them first',
      );
    }
    decoded.push({ width: png.width, height: png.height, data: png.data });
  }
  const { width: w, height: h } = decoded[0];
  const gray =
    mode === 'grayscale' ||
    (mode === 'auto' &&
      decoded.every(({ data }) => {
        for (let i = 0; i < data.length; i += 4) if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
        return true;
      }));
  const c = gray ? 1 : 3;
  const n = decoded.length;
  const images = new Float32Array(n * h * w * c);
  decoded.forEach(({ data }, k) => {
    const base = k * h * w * c;
    for (let p = 0; p < h * w; p++) {
      const [r, g, b] = [data[4 * p], data[4 * p + 1], data[4 * p + 2]];
      if (gray) images[base + p] = (r + g + b) / 3 / 127.5 - 1;
      else {
        images[base + 3 * p] = r / 127.5 - 1;
        images[base + 3 * p + 1] = g / 127.5 - 1;
        images[base + 3 * p + 2] = b / 127.5 - 1;
      }
    }
  });
  return {
    images,
    labels: classes.length > 0 ? Int32Array.from(files.map((f) => f.label as number)) : undefined,
    shape: [n, h, w, c],
    classNames: classes.length > 0 ? classes : undefined,
    source: root,
  };
}

/**
 * The most pixels one image may have: 2²⁴ (4096 × 4096). Checked from the PNG header before decoding, so a
 * 200-byte file that claims 60000 × 60000 pixels is refused at once instead of being decoded into gigabytes.
 */
export const MAX_IMAGE_PIXELS = 2 ** 24;

function checkPngHeader(path: string, bytes: Buffer): void {
  // Signature (8 bytes), then the IHDR chunk: length (4), 'IHDR' (4), width (4), height (4), all big-endian.
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return; // the decoder names what is wrong
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new DatasetError(
      path,
      `claims ${width}×${height} pixels, more than the ${MAX_IMAGE_PIXELS} (4096×4096) an image may have`,
      'Resize the images (training images are usually 28–256 pixels wide) or remove the file',
    );
  }
}

async function entryKind(folder: string, entry: Dirent): Promise<'file' | 'folder' | 'other'> {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'folder';
  if (!entry.isSymbolicLink()) return 'other';
  const target = await fs.stat(nodePath.join(folder, entry.name)).catch(() => null);
  return target?.isFile() === true ? 'file' : target?.isDirectory() === true ? 'folder' : 'other';
}

function preview(names: readonly string[]): string {
  return names.length > 3 ? `${names.slice(0, 3).join(', ')}, … ${names.length} in all` : names.join(', ');
}
