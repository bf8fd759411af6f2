import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, useBrowser } from '../helpers/browser.js';

describe('web app shell', () => {
  let server: TestServer;
  const browser = useBrowser();

  beforeAll(async () => {
    // setup
    server = await startServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('shows the home page with its header, h1 and footer, without errors or axe violations', async () => {
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Explorer les dépôts');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.getByRole('banner').getByRole('link', { name: /^Fabrique/ }).getAttribute('href')).toBe('/');
    // The list answers after the page's h1: a loaded machine (the PostgreSQL run) shows the h1 first.
    await expect.poll(() => page.getByText("Aucun dépôt public pour l'instant.").isVisible()).toBe(true);
    const footerLink = page.getByRole('contentinfo').getByRole('link', { name: 'Accessibilité : partiellement conforme' });
    expect(await footerLink.getAttribute('href')).toBe('/accessibilite');
    expect(await page.title()).toBe('Explorer · Fabrique');
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('switches to English without a reload, remembers it in the lang cookie and the server uses it', async () => {
    const { page, context, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/explore`);
    await page.getByRole('button', { name: 'English' }).waitFor();
    expect(await page.getByRole('button', { name: 'Français' }).getAttribute('aria-pressed')).toBe('true');
    // test
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Explore repositories');
    await expect.poll(() => page.getByText('No public repository yet.').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Accessibility: partially compliant' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.title()).toBe('Explore · Fabrique');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    const cookie = (await context.cookies()).find((c) => c.name === 'lang');
    expect(cookie?.value).toBe('en');
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.path).toBe('/');
    expect(await checkA11y(page)).toEqual([]);

    await page.reload();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Explore repositories');
    expect(errors).toEqual([]);
    await close();
  });

  it('follows Accept-Language when no cookie is set', async () => {
    const { page, errors, close } = await openPage(browser(), { locale: 'en-GB' });
    await page.goto(`${server.url}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Explore repositories');
    expect(errors).toEqual([]);
    await close();
  });

  it('opens a deep link directly: the accessibility statement', async () => {
    const { page, errors, close } = await openPage(browser());
    const response = await page.goto(`${server.url}/accessibilite`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator('h1').textContent()).toBe("Déclaration d'accessibilité");
    expect(await page.getByText('Accessibilité : partiellement conforme.', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByText(/audit RGAA complet/).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Retour d\'information et contact' }).isVisible()).toBe(true);
    expect(await page.title()).toBe('Accessibilité · Fabrique');
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('puts the skip link first in the tab order, and it leads to main', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/`);
    await page.locator('h1').waitFor();
    // test
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), href: document.activeElement?.getAttribute('href') }));
    expect(focused).toEqual({ text: 'Aller au contenu', href: '#content' });
    expect(await page.getByRole('link', { name: 'Aller au contenu' }).isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('content');
    expect(errors).toEqual([]);
    await close();
  });

  it('navigates on the client: no reload, new title, focus on the new h1, back button works', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/`);
    await page.locator('h1').waitFor();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    // test
    await page.getByRole('link', { name: 'Accessibilité : partiellement conforme' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(await page.locator('h1').textContent()).toBe("Déclaration d'accessibilité");
    expect(new URL(page.url()).pathname).toBe('/accessibilite');
    expect(await page.title()).toBe('Accessibilité · Fabrique');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await page.goBack();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Explorer les dépôts');
    expect(await page.title()).toBe('Explorer · Fabrique');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });

  it('shows a not-found page for an unknown path', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/nobody/nothing/here`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Page introuvable');
    expect(await page.getByText('/nobody/nothing/here').isVisible()).toBe(true);
    expect(await checkA11y(page)).toEqual([]);
    // The page is a real 404 (Chromium logs the document's status): no other error.
    expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
    await close();
  });
});

describe('first-start setup page', () => {
  let server: TestServer;
  const browser = useBrowser();

  beforeAll(async () => {
    // setup: a fresh forge has no account, so it holds a setup token
    server = await startServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('refuses a wrong token with an alert, then creates the first administrator with the keyboard', async () => {
    const token = server.app.forge.setupToken;
    expect(token).toBeTruthy();
    const { page, errors, close } = await openPage(browser());

    // test: a wrong token is refused, and the alert says why
    await page.goto(`${server.url}/setup?token=wrong`);
    await page.getByLabel("Nom d'utilisateur").waitFor();
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel("Nom d'utilisateur").fill('lyon-admin');
    await page.getByLabel('Adresse électronique').fill('admin@example.org');
    await page.getByLabel('Mot de passe').fill('correct horse battery');
    await page.getByRole('button', { name: "Créer l'administrateur" }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain("Ce lien d'installation n'est pas valide");

    // test: the right token but a reserved name: the alert carries the server's detail and the field is marked
    await page.goto(`${server.url}/setup?token=${token}`);
    await page.getByLabel("Nom d'utilisateur").fill('admin');
    await page.getByLabel('Adresse électronique').fill('admin@example.org');
    await page.getByLabel('Mot de passe').fill('correct horse battery');
    await page.getByRole('button', { name: "Créer l'administrateur" }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Le formulaire contient une erreur');
    expect(await page.getByRole('alert').locator('[lang="en"]').textContent()).toContain('reserved');
    expect(await page.getByLabel("Nom d'utilisateur").getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('setup-username');
    expect(await checkA11y(page)).toEqual([]);

    // test: the right token, typed with the keyboard only
    await page.goto(`${server.url}/setup?token=${token}`);
    await page.getByLabel("Nom d'utilisateur").focus();
    await page.keyboard.type('lyon-admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('admin@example.org');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('setup-password');
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Le compte administrateur « lyon-admin » est créé.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('setup-success');
    expect(await page.getByRole('link', { name: "Aller à l'accueil" }).getAttribute('href')).toBe('/');
    expect(await checkA11y(page)).toEqual([]);

    const status = await fetch(`${server.url}/api/v1/setup`).then((r) => r.json());
    expect(status).toEqual({ needed: false });

    // test: once set up, the page says so
    await page.reload();
    await expect.poll(() => page.getByText('Fabrique est déjà installée').isVisible()).toBe(true);
    // The refused submissions above log their 403 and 422 answers; nothing else may fail.
    expect(errors.filter((e) => !/status of (403|422)/.test(e))).toEqual([]);
    await close();
  });
});
