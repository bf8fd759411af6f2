import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildToken, buildUser } from '../helpers/factories.js';
import { api } from '../helpers/http.js';
import { pushHistory, type FixtureCommit } from '../helpers/git.js';
import { touchRepo, findRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const ORG = 'metropole-de-lyon';
const REPO = 'voirie-et-deplacements-urbains';
const LONG_LINE = `// ${'une-ligne-de-code-tres-longue-sans-espace-'.repeat(6)}`;

/** Fifty commits on main, a feature branch, three tags: enough for every page to have content. */
const HISTORY: FixtureCommit[] = [
  {
    message: 'Premier commit : la structure du projet',
    files: {
      'README.md': `# Voirie et déplacements\n\nLe code des outils de la voirie de la Métropole.\n\n${'Un paragraphe de présentation. '.repeat(30)}\n`,
      'src/calcul-des-itineraires-cyclables-et-pietons.ts': `export const vitesse = 15;\n${LONG_LINE}\n`,
      'docs/guide.md': '# Guide\n',
    },
    tag: { name: 'v1.0.0', message: 'Première version' },
  },
  ...Array.from({ length: 40 }, (_, i) => ({ message: `Met à jour le compteur des aménagements cyclables numéro ${i + 1}`, files: { 'compteur.txt': `${i + 1}\n` } })),
  { message: 'Ajoute les pistes', files: { 'src/pistes.ts': 'export const pistes = [];\n' }, tag: { name: 'v1.1.0' } },
  { message: 'Propose une nouvelle vitesse', branch: 'fonctionnalite/vitesse', files: { 'src/calcul-des-itineraires-cyclables-et-pietons.ts': 'export const vitesse = 20;\n' } },
];

/** Every page type of the visitor's forge, with the heading that says it has rendered. */
interface PageType {
  name: string;
  path: string;
  heading: string | RegExp;
  signedIn?: boolean;
}

describe("the visitor's forge: one design at 1280 and 390 px", { timeout: 600_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let login: string;
  let pages: PageType[];

  beforeAll(async () => {
    // setup: an organisation with a repository, a pull request and an issue, and a member
    server = await startServer({ env: { FORGE_ALLOW_SIGNUP: 'true' } });
    const { db, config } = server.app.forge;
    const user = await buildUser(db, { username: `camille${process.pid}` });
    login = user.username;
    const auth = { authorization: `token ${await buildToken(db, user, ['all'])}` };
    expect((await api(server.url, 'POST', '/orgs', { auth, body: { username: ORG, full_name: 'Métropole de Lyon', description: 'Le code source publié par la Métropole.' } })).status).toBe(201);
    expect((await api(server.url, 'POST', `/orgs/${ORG}/repos`, { auth, body: { name: REPO, description: 'Les outils de la voirie : itinéraires, pistes cyclables, compteurs.' } })).status).toBe(201);
    const ids = pushHistory(repoPath(config.reposDir, ORG, REPO), HISTORY);
    const repo = await findRepo(db, ORG, REPO);
    if (!repo) throw new Error('the repository was not created');
    await touchRepo(db, repo.id, { isEmpty: false });
    const pull = await api(server.url, 'POST', `/repos/${ORG}/${REPO}/pulls`, { auth, body: { title: 'Relever la vitesse des itinéraires cyclables', head: 'fonctionnalite/vitesse', base: 'main', body: 'La vitesse moyenne mesurée est de 20 km/h.' } });
    expect(pull.status).toBe(201);
    const issue = await api(server.url, 'POST', `/repos/${ORG}/${REPO}/issues`, { auth, body: { title: 'La piste de la rue Garibaldi manque', body: 'Elle est ouverte depuis 2024.' } });
    expect(issue.status).toBe(201);
    const base = `/${ORG}/${REPO}`;
    pages = [
      { name: 'home', path: '/', heading: /.+/ },
      { name: 'explore', path: '/explore', heading: /.+/ },
      { name: 'catalogue', path: '/catalogue', heading: /.+/ },
      { name: 'repo-home', path: base, heading: new RegExp(REPO) },
      { name: 'folder', path: `${base}/src/branch/main/src`, heading: /src/ },
      { name: 'file', path: `${base}/src/branch/main/src/calcul-des-itineraires-cyclables-et-pietons.ts`, heading: /calcul-des-itineraires/ },
      { name: 'commits', path: `${base}/commits/branch/main`, heading: /.+/ },
      { name: 'commit', path: `${base}/commit/${ids[ids.length - 2]}`, heading: /Commit/ },
      { name: 'branches', path: `${base}/branches`, heading: /Branches/ },
      { name: 'tags', path: `${base}/tags`, heading: /.+/ },
      { name: 'pulls', path: `${base}/pulls`, heading: /.+/ },
      { name: 'pull', path: `${base}/pulls/${pull.body.number}`, heading: /Relever la vitesse/ },
      { name: 'pull-files', path: `${base}/pulls/${pull.body.number}/files`, heading: /Relever la vitesse/ },
      { name: 'issues', path: `${base}/issues`, heading: /.+/ },
      { name: 'issue', path: `${base}/issues/${issue.body.number}`, heading: /Garibaldi/ },
      { name: 'org', path: `/${ORG}`, heading: /Métropole de Lyon|metropole-de-lyon/ },
      { name: 'user', path: `/${login}`, heading: new RegExp(login) },
      { name: 'sign-in', path: '/user/login', heading: 'Se connecter' },
      { name: 'not-found', path: '/une/adresse/qui/nexiste/pas/du/tout', heading: 'Page introuvable' },
      { name: 'tokens', path: '/user/settings/applications', heading: /.+/, signedIn: true },
      { name: 'new-repo', path: '/repo/create', heading: /.+/, signedIn: true },
    ];
    // A shared machine under load: the server's start and the history push take longer than vitest's minute.
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  /** The header's height, to tell one row (about 56 px) from several. */
  const headerHeight = (page: Page) => page.evaluate(() => document.querySelector('header.fab-header')?.getBoundingClientRect().height ?? 0);

  it('every page type: no sideways scroll, axe-clean, a one-row header at 390 px (screenshots kept in docs/screenshots)', async () => {
    const anonymous = await openPage(browser());
    const member = await openPage(browser());
    await signInWithForm(member.page, server.url, login);
    for (const type of pages) {
      const { page } = type.signedIn ? member : anonymous;
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${server.url}${type.path}`);
      await waitForHeading(page, type.heading);
      // lookAt measures scrollWidth against the viewport at 1280 and 390 px and runs axe at both.
      await lookAt(page, type.name);
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await headerHeight(page), `${type.name}: header height at 390 px`).toBeLessThanOrEqual(64);
    }
    // Signed in, at 390 px, on a page with the account menu: still one row.
    await member.page.goto(`${server.url}/${ORG}/${REPO}`);
    await waitForHeading(member.page, new RegExp(REPO));
    await member.page.setViewportSize({ width: 390, height: 844 });
    expect(await headerHeight(member.page)).toBeLessThanOrEqual(64);
    // Anonymous pages ask for things only a member gets (401) and the 404 page is a 404: no script error though.
    expect(anonymous.errors.filter((e) => e.startsWith('page:'))).toEqual([]);
    expect(member.errors).toEqual([]);
    await anonymous.close();
    await member.close();
  });

  it('the account menu opens from the avatar at every width, and the navigation folds behind a menu button on a phone', async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, login);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto(`${server.url}/explore`);
      await waitForHeading(page, /.+/);
      const avatar = page.getByRole('button', { name: new RegExp(`Compte de ${login}`) });
      await expect.poll(() => avatar.getAttribute('aria-expanded')).toBe('false');
      await expect.poll(() => page.getByRole('link', { name: "Jetons d'accès" }).isVisible()).toBe(false);
      await avatar.click();
      expect(await avatar.getAttribute('aria-expanded')).toBe('true');
      await expect.poll(() => page.getByRole('button', { name: 'Se déconnecter' }).isVisible()).toBe(true);
      await page.keyboard.press('Escape');
      expect(await avatar.getAttribute('aria-expanded')).toBe('false');
      await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('fab-avatar-button'))).toBe(true);
    }
    // At 390 px the main navigation is behind the menu button.
    const menu = page.getByRole('button', { name: 'Menu' });
    const explore = page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Explorer' });
    expect(await explore.isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => explore.isVisible()).toBe(true);
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Catalogue' }).click();
    await page.waitForURL((url) => url.pathname === '/catalogue');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(errors).toEqual([]);
    await close();
  });

  it('unknown paths, missing owners, repositories, files and commits answer 404 with the one not-found page, without the repository layout', async () => {
    const { page, close } = await openPage(browser());
    const missing = [
      '/une/adresse/qui/nexiste/pas/du/tout',
      '/personne-de-ce-nom',
      `/${ORG}/depot-inconnu`,
      `/${ORG}/depot-inconnu/src/branch/main/README.md`,
      `/${ORG}/${REPO}/src/branch/main/fichier-absent.txt`,
      `/${ORG}/${REPO}/src/branch/branche-absente/README.md`,
      `/${ORG}/${REPO}/commit/0123456789abcdef0123456789abcdef01234567`,
      '/org/organisation-inconnue',
    ];
    for (const path of missing) {
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status(), path).toBe(404);
      await waitForHeading(page, 'Page introuvable');
      expect(await page.locator('fab-not-found-page').count(), path).toBe(1);
      expect(await page.locator('fab-repo-header').count(), path).toBe(0);
      expect(await page.title(), path).toMatch(/^Page introuvable/);
    }
    // A client-side navigation to a missing repository ends on the same page.
    await page.goto(`${server.url}/${ORG}/${REPO}`);
    await waitForHeading(page, new RegExp(REPO));
    await page.evaluate((href) => {
      const link = document.createElement('a');
      link.href = href;
      link.textContent = 'lien';
      document.querySelector('main')?.append(link);
      link.click();
    }, `/${ORG}/depot-inconnu`);
    await waitForHeading(page, 'Page introuvable');
    expect(await page.locator('fab-repo-header').count()).toBe(0);
    // An existing page still answers 200.
    expect((await page.goto(`${server.url}/${ORG}/${REPO}/src/branch/main/README.md`))?.status()).toBe(200);
    await close();
  });

  it('the back button brings the scroll position back once the page has rendered', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.setViewportSize({ width: 390, height: 700 });
    await page.goto(`${server.url}/${ORG}/${REPO}/commits/branch/main`);
    await waitForHeading(page, /.+/);
    const link = page.locator('main a[href*="/commit/"]').nth(12);
    await link.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 120));
    const before = await page.evaluate(() => Math.round(window.scrollY));
    expect(before).toBeGreaterThan(400);
    await link.click();
    await page.waitForURL((url) => url.pathname.includes('/commit/'));
    await waitForHeading(page, /.+/);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    await page.goBack();
    await page.waitForURL((url) => url.pathname.includes('/commits/'));
    await expect.poll(() => page.evaluate(() => Math.round(window.scrollY))).toBeGreaterThanOrEqual(before - 2);
    expect(await page.evaluate(() => Math.round(window.scrollY))).toBeLessThanOrEqual(before + 2);
    expect(errors).toEqual([]);
    await close();
  });

  it('sign-in and sign-up show no alert until there is something to say, and checkboxes sit beside their labels', async () => {
    const { page, close } = await openPage(browser());
    for (const path of ['/user/login', '/user/sign_up']) {
      await page.goto(`${server.url}${path}`);
      await waitForHeading(page, /.+/);
      expect(await page.locator('main .fab-alert, main [role="alert"]').count(), path).toBe(0);
    }
    await page.goto(`${server.url}/user/login`);
    await page.getByLabel("Nom d'utilisateur ou adresse électronique").fill(login);
    await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await expect.poll(() => page.locator('main [role="alert"]').textContent()).toMatch(/\S/);

    await signInWithForm(page, server.url, login);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/repo/create', '/user/settings/applications']) {
      await page.goto(`${server.url}${path}`);
      await waitForHeading(page, /.+/);
      const boxes = page.locator('main input[type="checkbox"], main input[type="radio"]');
      const count = await boxes.count();
      expect(count, path).toBeGreaterThan(0);
      for (let i = 0; i < count; i++) {
        const box = boxes.nth(i);
        const id = await box.getAttribute('id');
        const label = page.locator(`label[for="${id}"]`);
        const [b, l] = await Promise.all([box.boundingBox(), label.boundingBox()]);
        if (!b || !l) throw new Error(`${path}: #${id} or its label is not shown`);
        // Beside: the label starts to the right of the box, on the same line.
        expect(l.x, `${path} #${id}`).toBeGreaterThan(b.x + b.width - 1);
        expect(Math.abs(l.y - b.y), `${path} #${id}`).toBeLessThan(12);
      }
    }
    await close();
  });
});
