import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, sharedBrowser } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser, PASSWORD } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const WIDTHS = [1280, 390] as const;
const LONG = `const tarifs = [${Array.from({ length: 40 }, (_, i) => `'zone-${i}'`).join(', ')}];`;

/** Five files, one with a line far wider than a phone. */
const BEFORE: Record<string, string> = {
  'README.md': '# Voirie\n\nTravaux prévus en 2025.\n',
  'src/tarifs.ts': `${LONG}\nexport const base = 10;\nexport const max = 40;\n`,
  'src/zones.ts': 'export const zones = ["nord", "sud"];\n',
  'docs/calendrier.md': '- janvier : études\n- mars : travaux\n',
  'LICENSE': 'EUPL-1.2\n',
};
const AFTER: Record<string, string> = {
  'README.md': '# Voirie\n\nTravaux prévus en 2026.\n',
  'src/tarifs.ts': `${LONG}\nexport const base = 12;\nexport const max = 40;\nexport const min = 2;\n`,
  'src/zones.ts': 'export const zones = ["nord", "sud", "est"];\n',
  'docs/calendrier.md': '- janvier : études\n- avril : travaux\n',
  'LICENSE': 'EUPL-1.2\n\nVoir https://eupl.eu\n',
};

describe('reading a pull request diff and merging it in the browser', { timeout: 240_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let owner: string;
  let token: string;
  const name = 'voirie';

  async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(`${server.url}/api/v1/repos/${owner}/${name}${path}`, {
      method,
      headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
  }

  async function signIn(page: Page) {
    await page.goto(`${server.url}/user/login`);
    await page.getByLabel("Nom d'utilisateur ou adresse électronique").fill(owner);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/user/login');
  }

  beforeAll(async () => {
    // setup
    [server, browser] = await Promise.all([startServer(), sharedBrowser()]);
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    owner = user.username;
    token = await buildToken(db, user);
    const repo = await buildRepo(db, config.reposDir, user, { name });
    pushHistory(repoPath(config.reposDir, owner, name), [
      { message: 'Premier commit', files: BEFORE },
      { message: 'Tarifs 2026', branch: 'tarifs-2026', files: AFTER },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
    const created = await api<{ number: number }>('POST', '/pulls', { head: 'tarifs-2026', base: 'main', title: 'Tarifs 2026' });
    expect(created.status).toBe(201);
    // expect.poll only runs inside a test: wait for the background mergeability check by hand.
    for (let i = 0; i < 200 && (await api<{ mergeable_state: string }>('GET', '/pulls/1')).json.mergeable_state === 'checking'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  for (const width of WIDTHS) {
    it(`at ${width} px, a diff row is one text line high, the diff scrolls in its own box, both views are axe-clean and the choice is remembered`, async () => {
      const { page, errors, close } = await openPage(browser);
      await page.setViewportSize({ width, height: 900 });
      await signIn(page);
      // test
      await page.goto(`${server.url}/${owner}/${name}/pulls/1/files`);
      const row = page.locator('fab-diff-view tr.fab-add').first();
      await row.waitFor();
      const measure = () =>
        page.evaluate(() => {
          const rows = [...document.querySelectorAll('fab-diff-view tbody tr.fab-add, fab-diff-view tbody tr.fab-del, fab-diff-view tbody tr.fab-ctx')];
          const code = document.querySelector('fab-diff-view td.fab-code') as HTMLElement;
          const lineHeight = parseFloat(getComputedStyle(code).lineHeight);
          const wrap = document.querySelector('fab-diff-view .fab-table-wrap') as HTMLElement;
          return {
            lineHeight,
            tallest: Math.max(...rows.map((r) => r.getBoundingClientRect().height)),
            rows: rows.length,
            pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            codeLeft: code.getBoundingClientRect().left - wrap.getBoundingClientRect().left,
          };
        });
      const unified = await measure();
      expect(unified.rows).toBeGreaterThan(10);
      // One text line per row: the tallest row is under two lines (borders and rounding aside).
      expect(unified.tallest).toBeLessThan(unified.lineHeight * 1.5);
      expect(unified.codeLeft).toBeLessThan(160);
      expect(unified.pageOverflow).toBe(0);
      // The long line scrolls inside the file's box, not the page.
      const scrolls = await page.evaluate(() =>
        [...document.querySelectorAll('fab-diff-view .fab-table-wrap')].some((wrap) => wrap.scrollWidth > wrap.clientWidth),
      );
      expect(scrolls).toBe(true);
      // Word-level changes: "2025" → "2026" is marked, not the whole line.
      await expect.poll(() => page.locator('fab-diff-view tr.fab-add mark', { hasText: '2026' }).count()).toBeGreaterThan(0);
      expect(await checkA11y(page)).toEqual([]);
      await page.locator('fab-diff-view').screenshot({ path: `docs/screenshots/review-diff-unified-${width}.png` });

      await page.getByRole('button', { name: 'Côte à côte' }).click();
      await page.locator('fab-diff-view table.fab-split').first().waitFor();
      const split = await page.evaluate(() => {
        const rows = [...document.querySelectorAll('fab-diff-view table.fab-split tbody tr:not(.fab-hunk)')];
        return {
          tallest: Math.max(...rows.map((r) => r.getBoundingClientRect().height)),
          pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        };
      });
      expect(split.tallest).toBeLessThan(unified.lineHeight * 1.5);
      expect(split.pageOverflow).toBe(0);
      expect(await checkA11y(page)).toEqual([]);
      await page.locator('fab-diff-view').screenshot({ path: `docs/screenshots/review-diff-split-${width}.png` });

      // The choice is remembered: the next diff opens side by side.
      await page.reload();
      await page.locator('fab-diff-view table.fab-split').first().waitFor();
      expect(await page.getByRole('button', { name: 'Côte à côte' }).getAttribute('aria-pressed')).toBe('true');
      await page.getByRole('button', { name: 'Unifié' }).click();
      await page.locator('fab-diff-view table.fab-unified').first().waitFor();
      expect(errors).toEqual([]);
      await close();
    });
  }

  it('merging asks for a confirmation past advice; a protection rule made in the settings disables the button with its reason; the server agrees', async () => {
    const { page, errors, close } = await openPage(browser);
    await page.setViewportSize({ width: 390, height: 900 });
    await signIn(page);
    const box = page.locator('fab-merge-box');
    // test — no rule: "no approval" is advice; the first click only asks for a confirmation
    await page.goto(`${server.url}/${owner}/${name}/pulls/1`);
    await box.getByText('Aucune approbation pour l’instant.').waitFor();
    await box.getByRole('button', { name: 'Fusionner', exact: true }).click();
    await box.getByText('Fusionner malgré ces avertissements ?').waitFor();
    expect((await api<{ merged: boolean }>('GET', '/pulls/1')).json.merged).toBe(false);
    await box.getByRole('button', { name: 'Annuler' }).click();
    expect(await checkA11y(page)).toEqual([]);

    // the admin protects main in the repository settings: one approval required
    await page.goto(`${server.url}/${owner}/${name}/settings`);
    const rules = page.locator('fab-branch-protections');
    await rules.getByText('Aucune branche n’est protégée.').waitFor();
    await rules.getByLabel('Branche ou motif').fill('main');
    await rules.getByLabel('Autoriser les poussées directes (sinon, seulement par demande de fusion)').check();
    await rules.getByLabel('Une nouvelle poussée annule les approbations précédentes').check();
    await rules.getByLabel('Équipes autorisées à pousser').fill('');
    await rules.getByLabel('Approbations requises').fill('1');
    await rules.getByLabel('Vérifications requises').fill('ci/build, ci/lint');
    await rules.getByLabel('Fichiers protégés').fill('LICENSE;docs/**');
    await rules.getByRole('button', { name: 'Créer la règle' }).click();
    await rules.getByText('Règle main enregistrée.').waitFor();
    expect(await checkA11y(page)).toEqual([]);
    const stored = await api<Record<string, unknown>>('GET', '/branch_protections/main');
    expect(stored.json).toMatchObject({
      rule_name: 'main',
      enable_push: true,
      required_approvals: 1,
      dismiss_stale_approvals: true,
      enable_status_check: false,
      status_check_contexts: ['ci/build', 'ci/lint'],
      protected_file_patterns: 'LICENSE;docs/**',
      push_whitelist_teams: [],
    });

    // the rule blocks: the button is disabled with the reason, and the API refuses too
    await page.goto(`${server.url}/${owner}/${name}/pulls/1`);
    await box.getByText('La règle de protection « main » bloque la fusion :').waitFor();
    await box.getByText('1 approbation(s) de personnes ayant le droit d’écrire sont requises ; 0 pour l’instant.').waitFor();
    const button = box.getByRole('button', { name: 'Fusionner', exact: true });
    expect(await button.isDisabled()).toBe(true);
    expect(await button.getAttribute('aria-describedby')).toBe('fab-merge-blockers');
    const pull = (await api<{ merge_state: { status: string; blockers: { code: string }[] } }>('GET', '/pulls/1')).json;
    expect(pull.merge_state).toMatchObject({ status: 'blocked', blockers: [{ code: 'approvals' }] });
    const refused = await api<{ message: string }>('POST', '/pulls/1/merge', { Do: 'merge' });
    expect(refused.status).toBe(405);
    expect(refused.json.message).toMatch(/approval/);
    expect(await checkA11y(page)).toEqual([]);

    // without the rule, the writer merges after confirming
    expect((await api('DELETE', '/branch_protections/main')).status).toBe(204);
    await page.reload();
    await box.getByRole('button', { name: 'Fusionner', exact: true }).click();
    await box.getByRole('button', { name: 'Confirmer la fusion' }).click();
    await box.getByText(`Fusionnée par ${owner} dans main`).waitFor();
    expect((await api<{ merged: boolean }>('GET', '/pulls/1')).json.merged).toBe(true);
    expect(errors).toEqual([]);
    await close();
  });
});
