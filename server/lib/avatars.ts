/** The image types an avatar or a logo may be, told by their first bytes (never by a name or a Content-Type). */
export type ImageType = 'png' | 'jpg' | 'webp';

/** The largest avatar or logo, decoded. */
export const MAX_IMAGE_BYTES = 1024 * 1024;

/** A stored image's file name: its content's SHA-256 and its type, so its URL changes with it. */
export const IMAGE_FILE = /^[0-9a-f]{64}\.(png|jpg|webp)$/;

export const IMAGE_CONTENT_TYPES: Record<ImageType, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/** The image type of these bytes by their magic number, or null for anything else (SVG included: it can carry script). */
export function imageTypeOf(bytes: Buffer): ImageType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/** The absolute URL of a stored image. */
export function imageUrl(baseUrl: string, file: string): string {
  return `${baseUrl}/avatars/${file}`;
}

/** An account's or organisation's avatar: the uploaded image, else the identicon generated from its name. */
export function avatarUrl(baseUrl: string, owner: { avatar: string; lower_name: string }): string {
  return owner.avatar !== '' ? imageUrl(baseUrl, owner.avatar) : `${baseUrl}/avatars/generated/${encodeURIComponent(owner.lower_name)}.svg`;
}
