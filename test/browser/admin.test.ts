import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { lookAt, openAccountMenu, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';
import type { UserRow } from '../../server/db/users.js';

describe('the admin area in Chromium', () => {
  let server: TestServer;
  const browser = useBrowser();
  let admin: UserRow;
  let resident: UserRow;

  beforeAll(async () => {
    // setup: an administrator, an account to suspend, and a repository with one pushed commit
    server = await startServer();
    const { db } = server.app.forge;
    admin = await buildUser(db, { username: 'dsi-admin', isAdmin: true });
    resident = await buildUser(db, { username: 'noa-habitant' });
    const departing = await buildUser(db, { username: 'claude-agent' });
    await buildRepo(db, server.config.reposDir, departing, { name: 'carnet-de-route' });
    await buildRepo(db, server.config.reposDir, resident, { name: 'budget-participatif' });
    const work = tempDir('fabrique-admin-browser-');
    await git(['init', '-q', '--initial-branch=main', work]);
    await commitFiles(work, { 'README.md': '# Budget participatif\n' }, 'Initial commit');
    const token = await buildToken(db, resident, ['write:repository']);
    await git(['push', '-q', repoUrl(server.url, resident.username, 'budget-participatif', { user: resident.username, secret: token }), 'main'], { cwd: work });
    await server.app.inject({ method: 'POST', url: '/api/v1/orgs', headers: { authorization: `token ${await buildToken(db, admin, ['all'])}` }, payload: { username: 'metropole-de-lyon' } });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lets an administrator search and suspend an account, delete one after transferring its repository, run maintenance, filter the audit trail and read the system page', async () => {
    const { page, errors, close } = await openPage(browser());
    const { db } = server.app.forge;
    await signInWithForm(page, server.url, admin.username, { landing: '/' });

    // test: the account menu leads administrators to the system page
    await openAccountMenu(page);
    await page.getByRole('link', { name: 'Administration', exact: true }).click();
    await waitForHeading(page, 'Système');
    await page.getByRole('heading', { name: 'Tâches de fond' }).waitFor();
    await page.getByRole('heading', { name: 'git_gc_repos — maintenance de tous les dépôts' }).waitFor();
    expect(await page.getByRole('link', { name: 'Site' }).getAttribute('href')).toBe('/-/admin/site');
    await lookAt(page, 'admin-system');

    // test: search an account and suspend it
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Comptes' }).click();
    await waitForHeading(page, 'Comptes');
    await page.getByLabel('Rechercher un compte (nom, nom complet, adresse)').fill('noa');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'noa');
    await page.getByText('1 au total').waitFor();
    expect(await page.getByRole('link', { name: 'claude-agent' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Suspendre noa-habitant' }).click();
    await page.getByText('noa-habitant est suspendu : ses sessions sont fermées, ses jetons refusés.').waitFor();
    await page.getByText('suspendu', { exact: true }).waitFor();
    expect(await db.prepare('SELECT prohibit_login FROM users WHERE id = ?').pluck().get(resident.id)).toBe(1);
    await lookAt(page, 'admin-users');

    // test: delete a departing account after transferring its repository to the organisation
    await page.getByLabel('Rechercher un compte (nom, nom complet, adresse)').fill('claude');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('button', { name: 'Supprimer… claude-agent' }).click();
    await page.getByLabel('Les transférer, puis supprimer le compte').check();
    await page.getByLabel('Transférer à (compte ou organisation)').fill('metropole-de-lyon');
    await page.getByRole('button', { name: 'Supprimer claude-agent' }).click();
    await page.getByText('Le compte claude-agent est supprimé.').waitFor();
    expect(await db.prepare("SELECT count(*) FROM users WHERE username = 'claude-agent'").pluck().get()).toBe(0);
    expect(await db.prepare("SELECT u.username FROM repositories r JOIN users u ON u.id = r.owner_id WHERE r.name = 'carnet-de-route'").pluck().get()).toBe('metropole-de-lyon');

    // test: run maintenance on the repository
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Dépôts' }).click();
    await waitForHeading(page, 'Dépôts');
    await page.getByRole('button', { name: 'Lancer la maintenance noa-habitant/budget-participatif' }).click();
    await page.getByText('Maintenance de noa-habitant/budget-participatif terminée.').waitFor();
    expect(await db.prepare("SELECT count(*) FROM audit_events WHERE action = 'repo.maintenance' AND target = 'repo:noa-habitant/budget-participatif'").pluck().get()).toBe(1);
    await lookAt(page, 'admin-repos');

    // test: the organisations
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Organisations' }).click();
    await waitForHeading(page, 'Organisations');
    await page.getByRole('link', { name: 'metropole-de-lyon' }).waitFor();
    await lookAt(page, 'admin-orgs');

    // test: filter the audit trail by actor and action
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Journal d’audit' }).click();
    await waitForHeading(page, 'Journal d’audit');
    await page.getByLabel('Auteur').fill(admin.username);
    await page.getByLabel('Action').fill('user.suspend');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((url) => url.searchParams.get('action') === 'user.suspend');
    await page.getByText('1 au total').waitFor();
    await page.getByText('user:noa-habitant').waitFor();
    await lookAt(page, 'admin-audit');

    // test: a repository filter and a date range that exclude everything say so
    await page.goto(`${server.url}/-/admin/audit?repo=noa-habitant/budget-participatif&until=2020-01-01`);
    await page.getByText('Aucun événement ne correspond.').waitFor();

    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  it('shows the "not found" page to an account that is not an administrator, with no admin link in its menu', async () => {
    const { page, errors, close } = await openPage(browser());
    const other = await buildUser(server.app.forge.db, { username: 'curieux' });
    await signInWithForm(page, server.url, other.username, { landing: '/' });
    await openAccountMenu(page);
    await page.getByRole('link', { name: "Jetons d'accès" }).waitFor();
    expect(await page.getByRole('link', { name: 'Administration', exact: true }).count()).toBe(0);
    for (const path of ['/-/admin', '/-/admin/users', '/-/admin/audit']) {
      await page.goto(`${server.url}${path}`);
      await waitForHeading(page, 'Page introuvable');
      expect(await page.getByRole('button', { name: /Suspendre/ }).count()).toBe(0);
    }
    // The API calls the pages would make were refused by the server too; the page made none of them.
    expect(errors).toEqual([]);
    await close();
  }, 60_000);
});
