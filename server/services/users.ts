import { isUniqueViolation, serialiseOn, type Db } from '../db/index.js';
import { countAccounts, findUserByEmail, findUserByName, insertUser, setLanguage, type UserRow } from '../db/users.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { ownerNameProblem } from '../lib/names.js';
import { conflict, invalid } from '../errors.js';

export interface CreateUserInput {
  username: string;
  email: string;
  password: string;
  fullName?: string;
  isAdmin?: boolean;
}

/** What the forge accepts as an e-mail address. */
export const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

/** Validates and creates an account with a password hashed at `passwordHashCost`; used by sign-up, the admin API, setup and the CLI. */
export async function createUser(db: Db, input: CreateUserInput, passwordHashCost: number): Promise<UserRow> {
  const nameIssue = ownerNameProblem(input.username);
  if (nameIssue) throw invalid(`The username ${nameIssue}.`, { field: 'username' });
  if (!EMAIL.test(input.email) || input.email.length > 254) throw invalid('The email address is not valid.', { field: 'email' });
  const passwordIssue = passwordProblem(input.password);
  if (passwordIssue) throw invalid(`The password ${passwordIssue}.`, { field: 'password' });
  if (await findUserByName(db, input.username)) throw conflict(`The name "${input.username}" is already taken.`, { field: 'username' });
  if (await findUserByEmail(db, input.email)) throw conflict('An account already uses this email address.', { field: 'email' });
  const passwordHash = await hashPassword(input.password, passwordHashCost);
  try {
    return await insertUser(db, { ...input, passwordHash });
  } catch (err) {
    // Another writer (the CLI, a concurrent sign-up) took the name or email between the check and the insert.
    if (isUniqueViolation(err)) throw conflict('The username or email is already taken.');
    throw err;
  }
}

/** Remembers the language an account uses (the one its mails are written in). */
export async function setAccountLanguage(db: Db, user: UserRow, language: 'fr' | 'en'): Promise<UserRow> {
  await setLanguage(db, user.id, language);
  return { ...user, language };
}

/**
 * The first account, an administrator, from the setup link. Replicas share the link: the account
 * is created under a lock after a second look, so two submissions to two replicas make one.
 */
export async function createFirstAdministrator(db: Db, input: Omit<CreateUserInput, 'isAdmin'>, passwordHashCost: number): Promise<UserRow> {
  return await db.transaction(async () => {
    await serialiseOn(db, 'first administrator');
    if (await countAccounts(db) > 0) throw conflict('Fabrique is already set up: sign in with an existing account.');
    return await createUser(db, { ...input, isAdmin: true }, passwordHashCost);
  });
}
