import { promises as fs } from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../src/index.js';
import { loadIdxDataset, loadImageFolder } from '../src/node.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'scorekit-input-checks-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A w×h grey PNG whose every pixel is `value`. */
function png(w: number, h: number, value: number): Buffer {
  const p = new PNG({ width: w, height: h });
  p.data.fill(value);
  for (let i = 3; i < p.data.length; i += 4) p.data[i] = 255;
  return PNG.sync.write(p);
}

async function folder(name: string, files: Record<string, Buffer>): Promise<string> {
  const root = nodePath.join(dir, name);
  for (const [path, bytes] of Object.entries(files)) {
    await fs.mkdir(nodePath.dirname(nodePath.join(root, path)), { recursive: true });
    await fs.writeFile(nodePath.join(root, path), bytes);
  }
  return root;
}

describe('data readers refuse what would otherwise be silently wrong', () => {
  it('an IDX file of zero images is refused, naming the file and its header', async () => {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x803, 0);
    header.writeUInt32BE(0, 4);
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    const file = nodePath.join(dir, 'empty-idx3-ubyte');
    await fs.writeFile(file, header);
    await expect(loadIdxDataset({ images: file })).rejects.toThrow(/empty-idx3-ubyte: holds no images \(its header says \[0, 28, 28\]\)/);
  });

  it('a folder of PNG files and subfolders is refused, stating the rule, instead of reading only the subfolder', async () => {
    const root = await folder('mixed', { 'a.png': png(2, 2, 10), 'b.png': png(2, 2, 20), 'cats/c.png': png(2, 2, 30) });
    const error = await loadImageFolder(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(/holds both PNG files \(a\.png, b\.png\) and subfolders \(cats\/\).*either PNG files \(no labels\) or one subfolder of PNG files per class/);
  });

  it('follows symbolic links to PNG files and to class folders', async () => {
    const real = await folder('real', { 'x.png': png(2, 2, 0), 'y.png': png(2, 2, 255) });
    const linked = nodePath.join(dir, 'linked');
    await fs.mkdir(linked);
    await fs.symlink(nodePath.join(real, 'x.png'), nodePath.join(linked, 'x.png'));
    await fs.symlink(nodePath.join(real, 'y.png'), nodePath.join(linked, 'y.png'));
    const flat = await loadImageFolder(linked);
    // Pixel 0 → −1 and 255 → 1 (scaled by 1/127.5 − 1), in name order.
    expect(flat.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(flat.images)).toEqual([-1, -1, -1, -1, 1, 1, 1, 1]);
    const classes = nodePath.join(dir, 'linked-classes');
    await fs.mkdir(classes);
    await fs.symlink(real, nodePath.join(classes, 'grey'));
    const labelled = await loadImageFolder(classes);
    expect(labelled.classNames).toEqual(['grey']);
    expect(Array.from(labelled.labels!)).toEqual([0, 0]);
  });

  it('a PNG header claiming 60000×60000 pixels is refused from the header, before decoding', async () => {
    const bytes = png(1, 1, 0);
    bytes.writeUInt32BE(60000, 16);
    bytes.writeUInt32BE(60000, 20); // the CRC is now wrong too: a decoder would fail differently, after allocating
    const root = await folder('huge', { 'big.png': bytes });
    await expect(loadImageFolder(root)).rejects.toThrow(/big\.png: claims 60000×60000 pixels, more than the 16777216 \(4096×4096\)/);
  });
});
