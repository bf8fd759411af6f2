import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildUser, PASSWORD } from '../helpers/factories.js';
import { call, signIn } from '../helpers/http.js';
import { linkIn, startMailbox, type Mailbox } from '../helpers/mailbox.js';

describe('e-mail confirmation, against a real SMTP server', () => {
  let mailbox: Mailbox;
  let server: TestServer;
  beforeAll(async () => {
    mailbox = await startMailbox();
    server = await startServer({ env: { FORGE_SMTP_URL: mailbox.url } });
  });
  afterAll(async () => {
    await server?.close();
    await mailbox?.close();
  });

  const emails = (session: { cookie: string }) => call(server.url, '/api/v1/user/emails', { cookie: session.cookie });

  it('marks a new address unconfirmed without blocking sign-in, and confirms it once through the mailed link', async () => {
    // setup: a sign-up
    const signup = await call(server.url, '/api/v1/auth/signup', { body: { username: 'dominique', email: 'dominique@example.org', password: PASSWORD } });
    expect(signup.status).toBe(201);
    const session = await signIn(server.url, 'dominique');
    expect((await emails(session)).body).toEqual([{ email: 'dominique@example.org', verified: false, primary: true }]);
    // test: the mail (in French: the browser named no language) carries the link
    const mail = await mailbox.next('dominique@example.org');
    expect(mail.subject).toMatch(/confirmer votre adresse/);
    const link = linkIn(mail);
    expect(link.pathname).toBe('/user/confirm_email');
    const token = link.searchParams.get('token')!;
    const confirmed = await call(server.url, '/api/v1/auth/email/confirm', { body: { token } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ email: 'dominique@example.org', verified: true, primary: true });
    expect((await emails(session)).body).toEqual([{ email: 'dominique@example.org', verified: true, primary: true }]);
    const again = await call(server.url, '/api/v1/auth/email/confirm', { body: { token } });
    expect(again.status).toBe(422);
    expect(again.body.message).toMatch(/already been used|expired/);
  });

  it('sends a new confirmation when the address changes, resends on demand, and voids a link to the old address', async () => {
    // setup: a confirmed account
    const user = await buildUser(server.app.forge.db);
    const session = await signIn(server.url, user.username);
    // test: change the address
    const changed = await call(server.url, '/api/v1/user/settings', { method: 'PATCH', body: { email: 'new-address@example.org' }, ...session });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ email: 'new-address@example.org', email_confirmed: false });
    const first = linkIn(await mailbox.next('new-address@example.org')).searchParams.get('token')!;
    // resend: a new link, the first one no longer works
    expect((await call(server.url, '/api/v1/user/emails/confirmation', { method: 'POST', ...session })).status).toBe(202);
    const second = linkIn(await mailbox.next('new-address@example.org')).searchParams.get('token')!;
    expect((await call(server.url, '/api/v1/auth/email/confirm', { body: { token: first } })).status).toBe(422);
    // a link to an address the account left confirms nothing
    await call(server.url, '/api/v1/user/settings', { method: 'PATCH', body: { email: 'third@example.org' }, ...session });
    await mailbox.next('third@example.org');
    const stale = await call(server.url, '/api/v1/auth/email/confirm', { body: { token: second } });
    expect(stale.status).toBe(422);
    expect((await emails(session)).body).toEqual([{ email: 'third@example.org', verified: false, primary: true }]);
  });
});

describe('e-mail confirmation without a mail server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('counts every address as confirmed, as before', async () => {
    await call(server.url, '/api/v1/auth/signup', { body: { username: 'sacha', email: 'sacha@example.org', password: PASSWORD } });
    const session = await signIn(server.url, 'sacha');
    expect((await call(server.url, '/api/v1/user/emails', { cookie: session.cookie })).body).toEqual([{ email: 'sacha@example.org', verified: true, primary: true }]);
    const changed = await call(server.url, '/api/v1/user/settings', { method: 'PATCH', body: { email: 'sacha2@example.org' }, ...session });
    expect(changed.body).toMatchObject({ email: 'sacha2@example.org', email_confirmed: true });
  });
});
