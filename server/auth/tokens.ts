import { createHash, randomBytes } from 'node:crypto';

/** A new personal access token: 40 hex characters, like Gitea's `sha1` field. */
export function generateToken(): { value: string; hash: string; lastEight: string } {
  const value = randomBytes(20).toString('hex');
  return { value, hash: hashToken(value), lastEight: value.slice(-8) };
}

/** Tokens are stored only as this SHA-256 (they are random, so no salt or slow hash is needed). */
export function hashToken(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export const TOKEN_SHAPE = /^[0-9a-f]{40}$/;
