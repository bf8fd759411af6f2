import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';

describe('the webhooks settings page', () => {
  let server: TestServer;
  const browser = useBrowser();
  let owner: UserRow;
  let receiver: Server;
  let receiverUrl = '';
  const received: string[] = [];

  beforeAll(async () => {
    // setup: a forge that may call 127.0.0.1, a CI receiver there, and a repository with a commit
    server = await startServer({ env: { FORGE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', FORGE_WEBHOOK_RETRY_DELAYS: '0.2' } });
    owner = await buildUser(server.app.forge.db, { username: 'maelle' });
    await buildRepo(server.app.forge.db, server.config.reposDir, owner, { name: 'voirie' });
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['x-gitea-delivery']));
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('reçu');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ci`;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
    await server?.close();
  });

  it('adds a hook, sends a test delivery, shows it with its answer and redelivers it', async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, owner.username, { landing: '/' });

    // test: from the repository settings to the webhooks page
    await page.goto(`${server.url}/maelle/voirie/settings`);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL((url) => url.pathname === '/maelle/voirie/settings/hooks');
    await waitForHeading(page, 'Webhooks de maelle/voirie');
    await page.getByText("Aucun webhook pour l'instant.").waitFor();
    expect(await checkA11y(page)).toEqual([]);

    // test: add a hook for chosen events, with a secret and a branch filter
    const form = page.locator('form', { has: page.locator('#hook-new-url') });
    await form.getByLabel('URL cible').fill(receiverUrl);
    await form.getByLabel('Secret').fill('le-secret-du-ci');
    await form.getByLabel('Événements choisis').check();
    await form.getByLabel('Envoi (push)').check();
    await form.getByLabel('Demandes de fusion (tous leurs événements)').check();
    await form.getByLabel('Filtre de branches').fill('main');
    await form.getByRole('button', { name: 'Ajouter le webhook' }).click();
    await page.getByText(`Webhook ${receiverUrl} ajouté.`).waitFor();
    const hook = page.getByRole('article', { name: receiverUrl });
    await hook.getByText('événements : push, pull_request').waitFor();
    const stored = await server.app.forge.db.prepare('SELECT url, branch_filter, events, secret FROM webhooks').all() as { url: string; branch_filter: string; events: string; secret: string }[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ url: receiverUrl, branch_filter: 'main' });
    expect(JSON.parse(stored[0].events)).toEqual({ mode: 'chosen', events: ['push', 'pull_request'] });
    expect(stored[0].secret).not.toContain('le-secret-du-ci');
    expect(await page.content()).not.toContain('le-secret-du-ci');

    // test: "Tester" queues a test delivery; the receiver gets it and the page shows it delivered with 200
    await hook.getByRole('button', { name: 'Tester' }).click();
    await page.getByText('Livraison de test envoyée.').waitFor();
    await expect.poll(() => received.length).toBe(1);
    const row = hook.getByRole('row', { name: /push \(test\)/ });
    await expect
      .poll(async () => {
        await hook.getByRole('button', { name: 'Actualiser' }).click();
        return row.getByRole('cell').nth(0).textContent();
      })
      .toMatch(/Livrée/);
    await expect.poll(() => row.getByRole('cell').nth(1).textContent()).toContain('200');
    await row.getByText('Requête et réponse').click();
    await row.getByText('x-gitea-event: push').waitFor();
    await row.getByText('reçu').waitFor();
    await lookAt(page, 'webhooks-settings');

    // test: "Renvoyer" sends it once more, under the same delivery id
    await row.getByRole('button', { name: /Renvoyer la livraison/ }).click();
    await page.getByText('Livraison renvoyée.').waitFor();
    await expect.poll(() => received.length).toBe(2);
    expect(received[1]).toBe(received[0]);
    await expect
      .poll(async () => {
        await hook.getByRole('button', { name: 'Actualiser' }).click();
        return row.getByRole('cell').nth(0).textContent();
      })
      .toMatch(/Livrée \(1 tentative/);

    // test: delete after confirming
    await hook.getByRole('button', { name: 'Supprimer' }).click();
    await hook.getByRole('button', { name: 'Oui, supprimer le webhook' }).click();
    await page.getByText(`Webhook ${receiverUrl} supprimé.`).waitFor();
    await page.getByText("Aucun webhook pour l'instant.").waitFor();
    expect(await server.app.forge.db.prepare('SELECT count(*) FROM webhooks').pluck().get()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  }, 120_000);
});
