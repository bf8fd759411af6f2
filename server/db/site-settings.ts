import type { Db } from './index.js';

/** The settings an administrator edits on the web. */
export type SiteSettingKey = 'intro' | 'logo';

/** Every stored setting, by key (a missing key has its default). */
export async function readSiteSettings(db: Db): Promise<Partial<Record<SiteSettingKey, string>>> {
  const rows = await db.prepare('SELECT key, value FROM site_settings').all() as Array<{ key: SiteSettingKey; value: string }>;
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

/** Writes one setting. */
export async function writeSiteSetting(db: Db, key: SiteSettingKey, value: string): Promise<void> {
  await db.prepare('INSERT INTO site_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
