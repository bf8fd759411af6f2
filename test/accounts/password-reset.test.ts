import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildUser, PASSWORD } from '../helpers/factories.js';
import { call, signIn } from '../helpers/http.js';
import { linkIn, startMailbox, type Mailbox } from '../helpers/mailbox.js';

const NEW_PASSWORD = 'a brand new passphrase';

describe('password reset by e-mail, against a real SMTP server', () => {
  let mailbox: Mailbox;
  let server: TestServer;
  beforeAll(async () => {
    mailbox = await startMailbox();
    server = await startServer({ env: { FORGE_SMTP_URL: mailbox.url, FORGE_SITE_NAME: 'Forge de la Métropole' } });
  });
  afterAll(async () => {
    await server?.close();
    await mailbox?.close();
  });
  const db = () => server.app.forge.db;
  const tokens = async () => await db().prepare('SELECT count(*) FROM account_tokens').pluck().get() as number;

  it('mails a link that sets a new password once, ends the old sessions and records it', async () => {
    // setup: an account signed in somewhere
    const user = await buildUser(db());
    const old = await signIn(server.url, user.username);
    // test: ask by e-mail address, in any case
    const asked = await call(server.url, '/api/v1/auth/password-reset', { body: { login: user.email!.toUpperCase() } });
    expect(asked.status).toBe(202);
    const mail = await mailbox.next(user.email!);
    expect(mail.subject).toBe('Forge de la Métropole : réinitialiser votre mot de passe');
    expect(mail.from).toContain('Forge de la Métropole');
    const link = linkIn(mail);
    expect(`${link.origin}${link.pathname}`).toBe(`${server.url}/user/reset_password`);
    const token = link.searchParams.get('token')!;
    // only the token's hash is stored
    const stored = await db().prepare('SELECT token_hash FROM account_tokens').pluck().all() as string[];
    expect(stored).not.toContain(token);

    const check = await call(server.url, '/api/v1/auth/password-reset/check', { body: { token } });
    expect(check.body).toEqual({ login: user.username });
    const done = await call(server.url, '/api/v1/auth/password-reset/complete', { body: { token, password: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ login: user.username });

    // the new password signs in, the old one no longer does, the old session is over
    await expect(signIn(server.url, user.username, NEW_PASSWORD)).resolves.toBeTruthy();
    expect((await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: PASSWORD } })).status).toBe(401);
    const session = await call(server.url, '/api/v1/auth/session', { cookie: old.cookie });
    expect(session.body.user).toBeNull();
    const audit = await db().prepare("SELECT action FROM audit_events WHERE target = ? AND action LIKE 'user.password_reset%' ORDER BY id").pluck().all(`user:${user.username}`);
    expect(audit).toEqual(['user.password_reset.request', 'user.password_reset']);

    // a second use is refused with a clear message, and changes nothing
    const again = await call(server.url, '/api/v1/auth/password-reset/complete', { body: { token, password: 'yet another passphrase' } });
    expect(again.status).toBe(422);
    expect(again.body.message).toMatch(/already been used|expired/);
    await expect(signIn(server.url, user.username, NEW_PASSWORD)).resolves.toBeTruthy();
  });

  it('answers an unknown address exactly as a known one, and sends it nothing', async () => {
    // setup
    const user = await buildUser(db());
    const before = await tokens();
    const mailsBefore = mailbox.mails.length;
    // test: the unknown address first, then a known name; only the known one gets a mail
    const unknown = await call(server.url, '/api/v1/auth/password-reset', { body: { login: 'nobody-here@example.org' } });
    const known = await call(server.url, '/api/v1/auth/password-reset', { body: { login: user.username } });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    await mailbox.next(user.email!);
    expect(await tokens()).toBe(before + 1);
    expect(mailbox.mails.slice(mailsBefore).map((m) => m.to)).toEqual([user.email!.toLowerCase()]);
  });

  it('keeps only the newest link alive, and refuses a made-up token and a weak password', async () => {
    // setup: two requests, two mails
    const user = await buildUser(db());
    await call(server.url, '/api/v1/auth/password-reset', { body: { login: user.username } });
    const first = linkIn(await mailbox.next(user.email!)).searchParams.get('token')!;
    await call(server.url, '/api/v1/auth/password-reset', { body: { login: user.username } });
    const second = linkIn(await mailbox.next(user.email!)).searchParams.get('token')!;
    // test
    const stale = await call(server.url, '/api/v1/auth/password-reset/complete', { body: { token: first, password: NEW_PASSWORD } });
    expect(stale.status).toBe(422);
    const madeUp = await call(server.url, '/api/v1/auth/password-reset/complete', { body: { token: 'x'.repeat(43), password: NEW_PASSWORD } });
    expect(madeUp.status).toBe(422);
    const weak = await call(server.url, '/api/v1/auth/password-reset/complete', { body: { token: second, password: 'short' } });
    expect(weak.status).toBe(422);
    expect(weak.body.message).toMatch(/password/);
    // the weak attempt did not spend the link
    expect((await call(server.url, '/api/v1/auth/password-reset/complete', { body: { token: second, password: NEW_PASSWORD } })).status).toBe(200);
  });

  it('limits the requests per address, whether or not an account has it', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 4; i += 1) answers.push((await call(server.url, '/api/v1/auth/password-reset', { body: { login: 'flooded@example.org' } })).status);
    expect(answers).toEqual([202, 202, 202, 429]);
  });

  it('writes the mail in English for an account that signed up in English', async () => {
    // setup: a sign-up from an English browser
    const signup = await call(server.url, '/api/v1/auth/signup', {
      body: { username: 'robin', email: 'robin@example.org', password: PASSWORD },
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(signup.status).toBe(201);
    await mailbox.next('robin@example.org'); // the address confirmation
    // test
    await call(server.url, '/api/v1/auth/password-reset', { body: { login: 'robin' } });
    expect((await mailbox.next('robin@example.org')).subject).toBe('Forge de la Métropole: reset your password');
  });
});

describe('password reset without a mail server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('says that an administrator must reset the password, never a 500', async () => {
    const providers = await call(server.url, '/api/v1/auth/providers');
    expect(providers.body.mail).toBe(false);
    const asked = await call(server.url, '/api/v1/auth/password-reset', { body: { login: 'someone@example.org' } });
    expect(asked.status).toBe(405);
    expect(asked.body.message).toMatch(/administrator/);
  });
});
