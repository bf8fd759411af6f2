import type { Db } from './index.js';

/** A row of the users table (accounts and organisations). */
export interface UserRow {
  id: number;
  type: 'user' | 'org';
  username: string;
  lower_name: string;
  full_name: string;
  email: string | null;
  password_hash: string | null;
  is_admin: 0 | 1;
  prohibit_login: 0 | 1;
  description: string;
  website: string;
  location: string;
  visibility: 'public' | 'limited' | 'private';
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  /** The uploaded avatar's file in data/avatars, '' for the generated identicon. */
  avatar: string;
  /** 0 while a confirmation link sent to the address has not been followed. */
  email_confirmed: 0 | 1;
  /** The language the account signed up in ('fr', 'en'), '' when unknown: its mails use it. */
  language: string;
}

export interface NewUser {
  username: string;
  /** Null for an account created by an OpenID provider that gave no unused address. */
  email: string | null;
  passwordHash: string | null;
  fullName?: string;
  isAdmin?: boolean;
}

/** Counts accounts (not organisations): the first start has none. */
export async function countAccounts(db: Db): Promise<number> {
  return await db.prepare("SELECT count(*) FROM users WHERE type = 'user'").pluck().get() as number;
}

export async function findUserByName(db: Db, name: string): Promise<UserRow | undefined> {
  return await db.prepare('SELECT * FROM users WHERE lower_name = ?').get(name.toLowerCase()) as UserRow | undefined;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return await db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return await db.prepare('SELECT * FROM users WHERE lower(email) = lower(?)').get(email) as UserRow | undefined;
}

/** The account or organisation a sign-in names: an e-mail address when it has an @, a name otherwise. */
export async function findUserByLogin(db: Db, login: string): Promise<UserRow | undefined> {
  return login.includes('@') ? await findUserByEmail(db, login) : await findUserByName(db, login);
}

/** Inserts an account; the unique indexes make a taken name or email throw SQLITE_CONSTRAINT_UNIQUE. */
export async function insertUser(db: Db, user: NewUser): Promise<UserRow> {
  return await db
    .prepare(
      `INSERT INTO users (type, username, lower_name, full_name, email, password_hash, is_admin)
       VALUES ('user', @username, lower(@username), @fullName, @email, @passwordHash, @isAdmin) RETURNING *`,
    )
    .get({
      username: user.username,
      fullName: user.fullName ?? '',
      email: user.email,
      passwordHash: user.passwordHash,
      isAdmin: user.isAdmin ? 1 : 0,
    }) as UserRow;
}

/** Records a successful sign-in. */
export async function recordLogin(db: Db, id: number): Promise<void> {
  await db.prepare(`UPDATE users SET last_login_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`).run(id);
}

/** Suspends (no sign-in, no token) or restores an account. */
export async function setProhibitLogin(db: Db, id: number, prohibited: boolean): Promise<void> {
  await db.prepare(`UPDATE users SET prohibit_login = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`).run(prohibited ? 1 : 0, id);
}

/** Grants or removes the site administrator flag. */
export async function setAdmin(db: Db, id: number, admin: boolean): Promise<void> {
  await db.prepare(`UPDATE users SET is_admin = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`).run(admin ? 1 : 0, id);
}

/** One page of accounts (not organisations) for the administrators, by name: `q` searches names, full names and emails, `loginName` is exact. */
export async function searchAccounts(db: Db, options: { q: string; loginName?: string; limit: number; offset: number }): Promise<{ rows: UserRow[]; total: number }> {
  const where = `type = 'user' AND (CAST(@login AS TEXT) IS NULL OR lower_name = lower(@login))
    AND (@q = '' OR lower_name LIKE @pattern ESCAPE '\\' OR lower(full_name) LIKE @pattern ESCAPE '\\' OR lower(coalesce(email, '')) LIKE @pattern ESCAPE '\\')`;
  const pattern = `%${options.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const params = { login: options.loginName ?? null, q: options.q, pattern };
  const total = await db.prepare(`SELECT count(*) FROM users WHERE ${where}`).pluck().get(params) as number;
  const rows = await db
    .prepare(`SELECT * FROM users WHERE ${where} ORDER BY lower_name LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: options.limit, offset: options.offset }) as UserRow[];
  return { rows, total };
}

/** Changes an account's full name and email; absent fields keep their value. */
export async function updateAccountProfile(db: Db, id: number, changes: { fullName?: string; email?: string }): Promise<void> {
  await db.prepare(
    `UPDATE users SET full_name = coalesce(@fullName, full_name), email = coalesce(@email, email),
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = @id`,
  ).run({ id, fullName: changes.fullName ?? null, email: changes.email ?? null });
}

/** Deletes an account row; sessions, tokens, memberships and collaborations go with it (ON DELETE CASCADE). */
export async function deleteAccountRow(db: Db, id: number): Promise<void> {
  await db.prepare("DELETE FROM users WHERE id = ? AND type = 'user'").run(id);
}

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

/** The profile fields an account edits itself (Gitea's user settings). */
export interface ProfileChange {
  fullName?: string;
  description?: string;
  website?: string;
  location?: string;
}

/** Writes the given profile fields; the others keep their value. */
export async function updateProfile(db: Db, id: number, change: ProfileChange): Promise<UserRow> {
  return await db
    .prepare(
      `UPDATE users SET full_name = coalesce(@fullName, full_name), description = coalesce(@description, description),
         website = coalesce(@website, website), location = coalesce(@location, location), updated_at = ${NOW}
       WHERE id = @id RETURNING *`,
    )
    .get({ id, fullName: change.fullName ?? null, description: change.description ?? null, website: change.website ?? null, location: change.location ?? null }) as UserRow;
}

/** Changes the address and whether it is confirmed; the unique index makes a taken address throw SQLITE_CONSTRAINT_UNIQUE. */
export async function setEmail(db: Db, id: number, email: string, confirmed: boolean): Promise<UserRow> {
  return await db.prepare(`UPDATE users SET email = ?, email_confirmed = ?, updated_at = ${NOW} WHERE id = ? RETURNING *`).get(email, confirmed ? 1 : 0, id) as UserRow;
}

/** Marks the address confirmed, only if it is still the one the link was sent to; false when it changed since. */
export async function confirmEmail(db: Db, id: number, email: string): Promise<boolean> {
  return (await db.prepare(`UPDATE users SET email_confirmed = 1, updated_at = ${NOW} WHERE id = ? AND lower(email) = lower(?)`).run(id, email)).changes === 1;
}

/** Replaces the password hash. */
export async function setPasswordHash(db: Db, id: number, passwordHash: string): Promise<void> {
  await db.prepare(`UPDATE users SET password_hash = ?, updated_at = ${NOW} WHERE id = ?`).run(passwordHash, id);
}

/** Sets the avatar's file name ('' for the generated identicon). */
export async function setAvatar(db: Db, id: number, file: string): Promise<UserRow> {
  return await db.prepare(`UPDATE users SET avatar = ?, updated_at = ${NOW} WHERE id = ? RETURNING *`).get(file, id) as UserRow;
}

/** Remembers the language an account uses, for its mails. */
export async function setLanguage(db: Db, id: number, language: string): Promise<void> {
  await db.prepare('UPDATE users SET language = ? WHERE id = ?').run(language, id);
}
