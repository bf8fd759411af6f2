import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ForgeError, invalid } from '../errors.js';
import { MAX_IMAGE_BYTES, imageTypeOf } from '../lib/avatars.js';

/** Where avatars and the site's logo are kept. */
export const imagesDir = (dataDir: string) => join(dataDir, 'avatars');

/**
 * Decodes a base64 image (Gitea's `{"image": "..."}`), checks its size and its type by its magic
 * bytes, and writes it under data/avatars named by its content (a temporary name first, then a
 * rename, so a reader never sees half a file). Returns the file name to store in the database.
 */
export function storeImage(dataDir: string, base64: string): string {
  const text = base64.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length === 0) throw invalid('The image is not valid base64.', { field: 'image' });
  // Checked on the encoded length first: a huge body is refused before it is decoded.
  if (Math.floor((text.length * 3) / 4) > MAX_IMAGE_BYTES + 2) throw tooLarge();
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > MAX_IMAGE_BYTES) throw tooLarge();
  const type = imageTypeOf(bytes);
  if (type === null) throw invalid('The image must be a PNG, JPEG or WebP file.', { field: 'image' });
  const file = `${createHash('sha256').update(bytes).digest('hex')}.${type}`;
  const dir = imagesDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const temporary = join(dir, `.tmp-${randomUUID()}`);
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, join(dir, file));
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
  return file;
}

function tooLarge(): ForgeError {
  return new ForgeError('payload_too_large', `The image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB.`, { field: 'image' });
}
