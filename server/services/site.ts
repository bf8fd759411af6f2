import type { Db } from '../db/index.js';
import { writeSiteSetting } from '../db/site-settings.js';
import { invalid } from '../errors.js';
import { recordAudit } from './audit.js';
import { storeImage } from './images.js';
import type { Caller } from './auth.js';

/** The longest introduction an administrator may write, in characters of Markdown. */
export const MAX_INTRO_LENGTH = 20_000;

/** Saves the home page's Markdown introduction ('' shows none). */
export async function setSiteIntro(db: Db, caller: Caller, intro: string): Promise<void> {
  if (intro.length > MAX_INTRO_LENGTH) throw invalid(`The introduction is longer than ${MAX_INTRO_LENGTH} characters.`, { field: 'intro' });
  await writeSiteSetting(db, 'intro', intro);
  await recordAudit(db, { actor: caller.actor, action: 'site.intro', target: 'site', ip: caller.ip });
}

/** Stores an uploaded logo (same rules as avatars), or removes it with null. */
export async function setSiteLogo(db: Db, dataDir: string, caller: Caller, base64: string | null): Promise<void> {
  await writeSiteSetting(db, 'logo', base64 === null ? '' : storeImage(dataDir, base64));
  await recordAudit(db, { actor: caller.actor, action: base64 === null ? 'site.logo.remove' : 'site.logo', target: 'site', ip: caller.ip });
}
