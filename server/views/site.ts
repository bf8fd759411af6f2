import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { minidenticon } from 'minidenticons';
import { readSiteSettings } from '../db/site-settings.js';
import { IMAGE_FILE, imageUrl } from '../lib/avatars.js';
import { renderMarkdown } from '../services/render.js';
import type { ReadContext } from './context.js';

/** The instance as its pages show it: name, introduction (Markdown and sanitised HTML) and logo. */
export interface SiteInfo {
  name: string;
  intro: string;
  introHtml: string;
  logoUrl: string | null;
}

/** The public URL of an uploaded logo file, or null. */
const logoUrlOf = (ctx: ReadContext, logo: string | null | undefined) => (logo ? imageUrl(ctx.config.baseUrl, logo) : null);

/** The instance's name, introduction and logo. */
export async function siteInfo(ctx: ReadContext): Promise<SiteInfo> {
  const settings = await readSiteSettings(ctx.db);
  const intro = settings.intro ?? '';
  // The forge's one Markdown sanitiser, cached by the text's hash as a blob would be.
  const introHtml = intro === '' ? '' : renderMarkdown(intro, createHash('sha256').update(intro).digest('hex'), null, ctx.images);
  return { name: ctx.config.siteName, intro, introHtml, logoUrl: logoUrlOf(ctx, settings.logo) };
}

/** The URL of the instance's logo, or null: for every page's head, without rendering the introduction. */
export async function siteLogoUrl(ctx: ReadContext): Promise<string | null> {
  return logoUrlOf(ctx, (await readSiteSettings(ctx.db)).logo);
}

/** The path of a stored avatar or logo, or null when the name is not one or no such file exists. */
export function storedImagePath(ctx: ReadContext, file: string): string | null {
  if (!IMAGE_FILE.test(file)) return null;
  const path = join(ctx.config.dataDir, 'avatars', file);
  return existsSync(path) ? path : null;
}

/** The identicon generated from a name: SVG written by minidenticons, never by a user. */
export function identicon(name: string): string {
  return minidenticon(name.toLowerCase());
}
