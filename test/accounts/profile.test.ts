import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as, call } from '../helpers/http.js';

/** The smallest valid PNG: one transparent pixel. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { FORGE_SITE_NAME: 'Forge <Lyon>' } });
});
afterAll(() => server?.close());
const db = () => server.app.forge.db;

describe('profile settings through the API', () => {
  it('refuses anonymous callers, a read-only token and a website that is not http(s), writing nothing', async () => {
    // setup
    const user = await buildUser(db());
    const readOnly = await buildToken(db(), user, ['read:user']);
    // test
    expect((await api(server.url, 'PATCH', '/user/settings', { body: { location: 'Lyon' } })).status).toBe(401);
    expect((await api(server.url, 'PATCH', '/user/settings', { auth: as(readOnly), body: { location: 'Lyon' } })).status).toBe(403);
    for (const website of ['javascript:alert(1)', 'data:text/html,hi', 'not a url']) {
      const res = await api(server.url, 'PATCH', '/user/settings', { auth: as(user), body: { website, location: 'Lyon' } });
      expect(res.status, website).toBe(422);
      expect(res.body.message).toMatch(/website/);
    }
    expect((await api(server.url, 'GET', '/user/settings', { auth: as(user) })).body).toMatchObject({ website: '', location: '' });
  });

  it("saves Gitea's settings fields with a write:user token and shows them on the public profile", async () => {
    // setup
    const user = await buildUser(db());
    const token = await buildToken(db(), user, ['write:user']);
    // test
    const saved = await api(server.url, 'PATCH', '/user/settings', {
      auth: as(token),
      body: { full_name: 'Camille Martin', description: 'Développeuse à la Métropole', website: 'https://camille.example.org', location: 'Lyon' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ full_name: 'Camille Martin', website: 'https://camille.example.org', location: 'Lyon', has_avatar: false });
    const profile = await api(server.url, 'GET', `/users/${user.username}`);
    expect(profile.body).toMatchObject({ full_name: 'Camille Martin', description: 'Développeuse à la Métropole', website: 'https://camille.example.org', location: 'Lyon', email: '' });
  });
});

describe('avatars', () => {
  it('refuses an image whose bytes are not PNG, JPEG or WebP (422) and one over 1 MB (413), storing nothing', async () => {
    // setup
    const user = await buildUser(db());
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
    const big = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]).toString('base64');
    // test
    const wrong = await api(server.url, 'POST', '/user/avatar', { auth: as(user), body: { image: svg } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.message).toMatch(/PNG, JPEG or WebP/);
    const tooLarge = await api(server.url, 'POST', '/user/avatar', { auth: as(user), body: { image: big } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.message).toMatch(/1 MB/);
    expect((await api(server.url, 'GET', '/user/settings', { auth: as(user) })).body.has_avatar).toBe(false);
  });

  it('serves an uploaded avatar by its content hash with a year of cache, and the generated SVG with nosniff', async () => {
    // setup
    const user = await buildUser(db());
    const generated = (await api(server.url, 'GET', '/user', { auth: as(user) })).body.avatar_url as string;
    // test: the identicon
    expect(generated).toBe(`${server.url}/avatars/generated/${user.username.toLowerCase()}.svg`);
    const svg = await fetch(generated);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(svg.headers.get('x-content-type-options')).toBe('nosniff');
    expect(svg.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await svg.text()).toMatch(/^<svg/);
    // upload
    expect((await api(server.url, 'POST', '/user/avatar', { auth: as(user), body: { image: PNG.toString('base64') } })).status).toBe(204);
    const uploaded = (await api(server.url, 'GET', '/user', { auth: as(user) })).body.avatar_url as string;
    expect(uploaded).toMatch(new RegExp(`^${server.url}/avatars/[0-9a-f]{64}\\.png$`));
    const image = await fetch(uploaded);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${server.url}/avatars/${'0'.repeat(64)}.png`)).status).toBe(404);
    expect((await fetch(`${server.url}/avatars/..%2Fsecret`)).status).toBe(404);
    // removal goes back to the identicon
    expect((await api(server.url, 'DELETE', '/user/avatar', { auth: as(user) })).status).toBe(204);
    expect((await api(server.url, 'GET', '/user', { auth: as(user) })).body.avatar_url).toBe(generated);
  });

  it('fills avatar_url as an absolute URL in /user, /users/{u}, a repository owner, an organisation and GitLab v4 users', async () => {
    // setup
    const user = await buildUser(db());
    await api(server.url, 'POST', '/user/avatar', { auth: as(user), body: { image: PNG.toString('base64') } });
    const repo = await buildRepo(db(), server.config.reposDir, user);
    const org = await api(server.url, 'POST', '/orgs', { auth: as(user), body: { username: `org-${user.username}` } });
    expect(org.status).toBe(201);
    // test
    const expected = (await api(server.url, 'GET', '/user', { auth: as(user) })).body.avatar_url as string;
    expect(expected).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/avatars\/[0-9a-f]{64}\.png$/);
    expect((await api(server.url, 'GET', `/users/${user.username}`)).body.avatar_url).toBe(expected);
    expect((await api(server.url, 'GET', `/repos/${user.username}/${repo.name}`)).body.owner.avatar_url).toBe(expected);
    expect(org.body.avatar_url).toBe(`${server.url}/avatars/generated/org-${user.username.toLowerCase()}.svg`);
    const gitlab = await call(server.url, `/api/v4/users/${user.id}`);
    expect(gitlab.body.avatar_url).toBe(expected);
  });
});

describe("the instance's name, introduction and logo", () => {
  it('lets only an administrator edit the introduction, and serves it rendered and sanitised to everyone', async () => {
    // setup
    const admin = await buildUser(db(), { isAdmin: true });
    const user = await buildUser(db());
    const intro = 'La **Métropole de Lyon** publie ici son [code](https://example.org).\n\n<script>alert(1)</script><img src=x onerror=alert(1)>';
    // test
    expect((await api(server.url, 'PATCH', '/admin/site', { auth: as(user), body: { intro } })).status).toBe(403);
    expect((await api(server.url, 'PATCH', '/admin/site', { body: { intro } })).status).toBe(401);
    expect((await api(server.url, 'GET', '/site')).body.intro_html).toBe('');
    const saved = await api(server.url, 'PATCH', '/admin/site', { auth: as(admin), body: { intro } });
    expect(saved.status).toBe(200);
    expect(saved.body.intro).toBe(intro);
    const site = (await api(server.url, 'GET', '/site')).body;
    expect(site.name).toBe('Forge <Lyon>');
    expect(site.intro_html).toContain('<strong>Métropole de Lyon</strong>');
    expect(site.intro_html).not.toMatch(/<script|onerror/);
    // the logo follows the avatars' rules
    expect((await api(server.url, 'POST', '/admin/site/logo', { auth: as(admin), body: { image: Buffer.from('GIF89a').toString('base64') } })).status).toBe(422);
    const logo = await api(server.url, 'POST', '/admin/site/logo', { auth: as(admin), body: { image: PNG.toString('base64') } });
    expect(logo.body.logo_url).toMatch(/\/avatars\/[0-9a-f]{64}\.png$/);
    expect((await api(server.url, 'GET', '/site')).body.logo_url).toBe(logo.body.logo_url);
    expect((await api(server.url, 'DELETE', '/admin/site/logo', { auth: as(admin) })).body.logo_url).toBeNull();
  });
});
