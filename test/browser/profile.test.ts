import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { linkIn, startMailbox, type Mailbox } from '../helpers/mailbox.js';
import { fillSignIn, lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';

/** The smallest valid PNG: one transparent pixel. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const SITE_NAME = 'Forge <Métropole de Lyon>';

/** A `width`×`height` PNG of one opaque colour: a logo a screenshot shows, and wider than the header's square. */
function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}
const INTRO = 'La **Métropole de Lyon** publie ici le code source de ses logiciels, pour que chacun puisse le lire, le réutiliser et l’améliorer.';

describe('profile, settings, password reset and the site introduction in Chromium', () => {
  let mailbox: Mailbox;
  let server: TestServer;
  const browser = useBrowser();
  let files: string;

  beforeAll(async () => {
    // setup: a forge that sends mail, with its own name and introduction
    mailbox = await startMailbox();
    server = await startServer({ env: { FORGE_SMTP_URL: mailbox.url, FORGE_SITE_NAME: SITE_NAME } });
    const admin = await buildUser(server.app.forge.db, { username: 'admin-lyon', isAdmin: true });
    await api(server.url, 'PATCH', '/admin/site', { auth: as(admin), body: { intro: INTRO } });
    files = mkdtempSync(join(tmpdir(), 'fabrique-avatar-'));
    writeFileSync(join(files, 'avatar.png'), PNG);
    writeFileSync(join(files, 'logo.png'), solidPng(96, 48, [0, 92, 169]));
    writeFileSync(join(files, 'not-an-image.png'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
  });
  afterAll(async () => {
    await server?.close();
    await mailbox?.close();
  });

  it("shows the site's name in the page head and its Markdown introduction above the home page's list", async () => {
    // test: the server's head escapes the name
    const shell = await (await fetch(`${server.url}/`)).text();
    expect(shell).toContain('<title>Forge &lt;Métropole de Lyon&gt;</title>');
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/`);
    const intro = page.getByRole('region', { name: SITE_NAME });
    await intro.getByText('publie ici le code source').waitFor();
    expect(await intro.locator('strong').textContent()).toBe('Métropole de Lyon');
    // The header and the title the app sets carry the instance's name, as text (never markup).
    expect(await page.getByRole('link', { name: `${SITE_NAME}, accueil` }).textContent()).toBe(SITE_NAME);
    await expect.poll(() => page.title()).toMatch(/ · Forge <Métropole de Lyon>$/);
    await lookAt(page, 'home-intro');
    expect(errors).toEqual([]);
    await close();
  });

  it('shows a profile with its avatar, and lets its owner edit it and upload an avatar', async () => {
    // setup: an account with a profile and a public repository
    const user = await buildUser(server.app.forge.db, { username: 'camille' });
    await buildRepo(server.app.forge.db, server.config.reposDir, user, { name: 'voirie' });
    await api(server.url, 'PATCH', '/user/settings', {
      auth: as(user),
      body: { full_name: 'Camille Martin', description: 'Développeuse à la Métropole de Lyon', website: 'https://camille.example.org', location: 'Lyon' },
    });
    const { page, errors, close } = await openPage(browser());

    // test: the public profile
    await page.goto(`${server.url}/camille`);
    await waitForHeading(page, 'Camille Martin');
    const website = page.getByRole('link', { name: 'https://camille.example.org/' });
    expect(await website.getAttribute('rel')).toBe('nofollow ugc noopener');
    expect(await page.locator('.fab-profile img').getAttribute('src')).toBe(`${server.url}/avatars/generated/camille.svg`);
    await page.getByRole('link', { name: 'voirie' }).first().waitFor();
    await lookAt(page, 'profile');

    // test: the settings page, a refused file, then an avatar
    await signInWithForm(page, server.url, 'camille', { redirectTo: '/user/settings', landing: '/user/settings' });
    await waitForHeading(page, 'Votre profil');
    await page.getByLabel('Lieu').fill('Villeurbanne');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByText('Profil enregistré.').waitFor();
    await page.getByLabel('Nouvelle image').setInputFiles(join(files, 'not-an-image.png'));
    await page.getByRole('button', { name: 'Envoyer l’image' }).click();
    await page.getByRole('alert').getByText('PNG, JPEG ou WebP').waitFor();
    await page.getByLabel('Nouvelle image').setInputFiles(join(files, 'avatar.png'));
    await page.getByRole('button', { name: 'Envoyer l’image' }).click();
    await page.getByText('Avatar enregistré.').waitFor();
    expect(await page.getByAltText('Votre avatar actuel').getAttribute('src')).toMatch(/\/avatars\/[0-9a-f]{64}\.png$/);
    await lookAt(page, 'user-settings');
    expect((await api(server.url, 'GET', '/users/camille')).body.location).toBe('Villeurbanne');
    // the refused upload's 422 is the one console error
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await close();
  });

  it('resets a forgotten password through the mailed link, once', async () => {
    // setup
    const user = await buildUser(server.app.forge.db, { username: 'dominique' });
    const { page, errors, close } = await openPage(browser());
    // test: from the sign-in page
    await page.goto(`${server.url}/user/login`);
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await waitForHeading(page, 'Mot de passe oublié');
    await lookAt(page, 'forgot-password');
    await page.getByLabel('Adresse électronique ou nom d’utilisateur').fill(user.email!);
    await page.getByRole('button', { name: 'Envoyer le lien' }).click();
    await page.getByText('un lien pour choisir un nouveau mot de passe vient de lui être envoyé').waitFor();
    const link = linkIn(await mailbox.next(user.email!));
    await page.goto(link.href);
    await waitForHeading(page, 'Choisir un nouveau mot de passe');
    await page.getByText('pour le compte dominique').waitFor();
    await lookAt(page, 'reset-password');
    await page.getByLabel('Nouveau mot de passe').fill('une toute nouvelle phrase');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.getByText('Votre mot de passe a été changé.').waitFor();
    // the new password signs in
    await page.getByRole('link', { name: 'Se connecter', exact: true }).last().click();
    await fillSignIn(page, 'dominique', 'une toute nouvelle phrase');
    await page.waitForURL((url) => url.pathname === '/');
    // the link works once
    await page.goto(link.href);
    await page.getByText('Ce lien a expiré ou a déjà servi.').waitFor();
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await close();
  });

  it('confirms a new address through the mailed link in a signed-in browser, and offers to resend while unconfirmed', async () => {
    // setup: an account that changes its address
    await buildUser(server.app.forge.db, { username: 'sacha' });
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, 'sacha', { redirectTo: '/user/settings', landing: '/user/settings' });
    await waitForHeading(page, 'Votre profil');
    await page.getByLabel('Adresse électronique (jamais affichée publiquement)').fill('sacha.nouveau@example.org');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByText('non confirmée').waitFor();
    await page.getByRole('button', { name: 'Renvoyer le lien de confirmation' }).waitFor();
    await mailbox.next('sacha.nouveau@example.org');
    await page.getByRole('button', { name: 'Renvoyer le lien de confirmation' }).click();
    await page.getByText('Un nouveau lien de confirmation a été envoyé.').waitFor();
    // test: the newest link confirms it
    const link = linkIn(await mailbox.next('sacha.nouveau@example.org'));
    await page.goto(link.href);
    await page.getByText('L’adresse sacha.nouveau@example.org est confirmée.').waitFor();
    await page.goto(`${server.url}/user/settings`);
    await waitForHeading(page, 'Votre profil');
    await page.getByLabel('Nom complet').waitFor();
    expect(await page.getByText('non confirmée').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });

  it("lets an administrator edit the home page's introduction", async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, 'admin-lyon', { redirectTo: '/-/admin/site', landing: '/-/admin/site' });
    await waitForHeading(page, 'Présentation du site');
    await page.getByLabel('Introduction (Markdown)').fill('## Bienvenue\n\nLa Métropole de Lyon publie ici son code.');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByText('Introduction enregistrée.').waitFor();
    await page.getByRole('heading', { name: 'Bienvenue' }).waitFor();
    await lookAt(page, 'admin-site');
    expect(errors).toEqual([]);
    await close();
  });

  it("shows the instance's logo beside its name in the header once an administrator uploads it, at 1280 and 390 px", async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, 'admin-lyon', { redirectTo: '/-/admin/site', landing: '/-/admin/site' });
    await waitForHeading(page, 'Présentation du site');
    const headerLogo = page.getByRole('banner').getByRole('img', { name: SITE_NAME });
    expect(await headerLogo.count()).toBe(0);
    // test: the upload changes the header at once
    await page.getByLabel('Nouveau logo').setInputFiles(join(files, 'logo.png'));
    await page.getByRole('button', { name: 'Envoyer l’image' }).click();
    await page.getByText('Logo enregistré.').waitFor();
    await headerLogo.waitFor();

    // test: every page the server sends names the logo in its head, so the header has it at its first paint
    const shell = await (await fetch(`${server.url}/explore`)).text();
    const url = /<meta name="fabrique:logo" content="([^"]+)">/.exec(shell)?.[1];
    expect(url).toMatch(new RegExp(`^${server.url}/avatars/[0-9a-f]{64}\\.png$`));
    await page.goto(`${server.url}/explore`);
    await waitForHeading(page, 'Explorer les dépôts');
    expect(await headerLogo.getAttribute('src')).toBe(url);
    await expect.poll(() => headerLogo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(96);
    // The 96×48 image sits in the mark's 28 px square: the name beside it does not move when it loads.
    expect(await headerLogo.evaluate((img) => [img.getBoundingClientRect().width, img.getBoundingClientRect().height])).toEqual([28, 28]);
    expect(await page.getByRole('banner').getByText(SITE_NAME).isVisible()).toBe(true);
    await lookAt(page, 'header-logo');

    // test: removing it brings Fabrique's mark back
    await page.goto(`${server.url}/-/admin/site`);
    await waitForHeading(page, 'Présentation du site');
    await page.getByRole('button', { name: 'Retirer le logo' }).click();
    await page.getByText('Logo retiré.').waitFor();
    expect(await headerLogo.count()).toBe(0);
    expect(await page.locator('header svg.fab-logo').count()).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });
});
