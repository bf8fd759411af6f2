import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { accountButton, checkA11y, fillSignIn, openAccountMenu, openPage, useBrowser } from '../helpers/browser.js';

const USERNAME = 'camille';
const PASSWORD = 'correct horse battery';

/** Chromium logs every failed request as a console error: drop exactly the ones a test provoked on purpose. */
function withoutExpectedFailures(errors: string[], statuses: number[]): string[] {
  const remaining = [...statuses];
  return errors.filter((error) => {
    const found = /^console: Failed to load resource: the server responded with a status of (\d{3}) /.exec(error);
    const index = found ? remaining.indexOf(Number(found[1])) : -1;
    if (index === -1) return true;
    remaining.splice(index, 1);
    return false;
  });
}

const header = (page: Page) => page.getByRole('banner');

describe('accounts in the web UI', () => {
  let server: TestServer;
  const browser = useBrowser();

  beforeAll(async () => {
    // setup
    server = await startServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('signs up, signs out, refuses a wrong password, signs in, and creates then revokes a token', async () => {
    const { page, errors, close } = await openPage(browser());

    // test: sign up through the form
    await page.goto(`${server.url}/user/sign_up`);
    await page.getByLabel("Nom d'utilisateur").waitFor();
    expect(await page.title()).toBe('Créer un compte · Fabrique');
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel("Nom d'utilisateur").fill(USERNAME);
    await page.getByLabel('Adresse électronique').fill('camille@example.org');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await accountButton(page, USERNAME).waitFor();
    expect(await header(page).getByRole('link', { name: 'Se connecter' }).count()).toBe(0);

    // test: sign out, the header turns anonymous without a reload
    await openAccountMenu(page);
    await header(page).getByRole('button', { name: 'Se déconnecter' }).click();
    await header(page).getByRole('link', { name: 'Se connecter' }).waitFor();
    expect(await accountButton(page, USERNAME).count()).toBe(0);
    expect((await fetch(`${server.url}/api/v1/auth/session`, { headers: { cookie: await cookieHeader(page) } }).then((r) => r.json())).user).toBeNull();

    // test: a wrong password is refused by the API (401) and the alert says so
    await header(page).getByRole('link', { name: 'Se connecter' }).click();
    await page.getByLabel("Nom d'utilisateur ou adresse électronique").waitFor();
    expect(new URL(page.url()).pathname).toBe('/user/login');
    expect(await page.title()).toBe('Connexion · Fabrique');
    expect(await checkA11y(page)).toEqual([]);
    const refused = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/signin'));
    await fillSignIn(page, USERNAME, 'not the password');
    expect((await refused).status()).toBe(401);
    await expect.poll(() => page.getByRole('main').getByRole('alert').textContent(), { timeout: 10_000 }).toContain("Nom d'utilisateur ou mot de passe incorrect.");
    expect(await page.getByLabel('Mot de passe').getAttribute('aria-invalid')).toBe('true');
    expect(await checkA11y(page)).toEqual([]);

    // test: the right password signs in, by email address this time
    await fillSignIn(page, 'camille@example.org');
    await accountButton(page, USERNAME).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    // test: create a token; its value is shown once
    await openAccountMenu(page);
    await header(page).getByRole('link', { name: "Jetons d'accès" }).click();
    await page.getByText("Vous n'avez aucun jeton.").waitFor();
    expect(new URL(page.url()).pathname).toBe('/user/settings/applications');
    expect(await page.title()).toBe("Jetons d'accès · Fabrique");
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel('Nom du jeton').fill('intégration continue');
    await page.getByLabel(/read:user/).check();
    await page.getByLabel(/read:repository/).check();
    await page.getByRole('button', { name: 'Créer le jeton' }).click();
    await page.getByLabel('Valeur du jeton').waitFor();
    const value = await page.getByLabel('Valeur du jeton').inputValue();
    expect(value).toMatch(/^[0-9a-f]{40}$/);
    expect(await page.getByText('il ne sera plus jamais affiché').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Copier le jeton' }).isVisible()).toBe(true);
    const row = page.getByRole('row', { name: /intégration continue/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(`…${value.slice(-8)}`);
    expect(await row.textContent()).toContain('read:user');
    expect(await checkA11y(page)).toEqual([]);

    const me = await fetch(`${server.url}/api/v1/user`, { headers: { authorization: `token ${value}` } });
    expect(me.status).toBe(200);
    expect((await me.json()).login).toBe(USERNAME);

    // test: once the page is left, the value is gone for good
    await page.reload();
    await row.waitFor();
    expect(await page.getByLabel('Valeur du jeton').count()).toBe(0);
    expect(await page.content()).not.toContain(value);

    // test: revoke with a confirmation; the token is refused at once
    await page.getByRole('button', { name: 'Révoquer le jeton « intégration continue »' }).click();
    await page.getByRole('button', { name: 'Annuler' }).click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Révoquer le jeton « intégration continue »');
    await page.getByRole('button', { name: 'Révoquer le jeton « intégration continue »' }).click();
    expect(await page.getByText('Révoquer « intégration continue » ?').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Révoquer définitivement' }).click();
    await page.getByText('Le jeton « intégration continue » est révoqué.').waitFor();
    await page.getByText("Vous n'avez aucun jeton.").waitFor();
    expect((await fetch(`${server.url}/api/v1/user`, { headers: { authorization: `token ${value}` } })).status).toBe(401);

    // The wrong password above is the one failed request this journey provokes.
    expect(withoutExpectedFailures(errors, [401])).toEqual([]);
    await close();
  });

  it('sends an anonymous visitor of the token settings to the sign-in page and back', async () => {
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/user/settings/applications`);
    await page.waitForURL((url) => url.pathname === '/user/login');
    expect(new URL(page.url()).searchParams.get('redirect_to')).toBe('/user/settings/applications');
    await fillSignIn(page, USERNAME);
    await page.waitForURL((url) => url.pathname === '/user/settings/applications');
    await page.getByRole('heading', { name: "Jetons d'accès personnels" }).waitFor();

    // test: signing out from this page leaves it for the sign-in page
    await openAccountMenu(page);
    await header(page).getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((url) => url.pathname === '/user/login');
    expect(errors).toEqual([]);
    await close();
  });

  it('explains a refused OpenID Connect sign-in and a suspended account', async () => {
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/user/login?error=suspended`);
    await expect.poll(() => page.getByRole('main').getByRole('alert').textContent(), { timeout: 10_000 }).toContain('Ce compte est suspendu');
    await page.goto(`${server.url}/user/login?error=oidc`);
    await expect.poll(() => page.getByRole('main').getByRole('alert').textContent(), { timeout: 10_000 }).toContain("La connexion par le fournisseur d'identité a échoué");
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});

describe('accounts in the web UI when sign-up is closed', () => {
  let server: TestServer;
  const browser = useBrowser();

  beforeAll(async () => {
    // setup
    server = await startServer({ env: { FORGE_ALLOW_SIGNUP: 'false' } });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('says that sign-up is closed instead of showing the form, and the sign-in page offers no sign-up link', async () => {
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/user/sign_up`);
    await page.getByText('La création de compte est fermée sur cette forge.').waitFor();
    expect(await page.getByLabel("Nom d'utilisateur").count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    await page.goto(`${server.url}/user/login`);
    await page.getByLabel('Mot de passe').waitFor();
    expect(await page.getByRole('main').getByRole('link', { name: 'Créer un compte' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });
});

/** The page's cookies as a Cookie header, to ask the API what the browser's session is. */
async function cookieHeader(page: Page): Promise<string> {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}
