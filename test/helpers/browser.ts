import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, expect } from 'vitest';
import { PASSWORD } from './factories.js';

const require = createRequire(import.meta.url);

/** Debian's Chromium: tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Starts Chromium headless; call once per test file (beforeAll) and close it in afterAll. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface BrowserPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far; a test expects it to stay empty. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context (no cookies, no storage) and page that records console and page errors. */
export async function openPage(browser: Browser, options: { locale?: string } = {}): Promise<BrowserPage> {
  const context = await browser.newContext({ locale: options.locale ?? 'fr-FR' });
  const page = await context.newPage();
  // Fail with Playwright's message (which locator, which state) well before vitest's own test timeout.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return { context, page, errors, close: () => context.close() };
}

/** This worker's Chromium, launched on first use; a browser that went away is launched again. */
let workerBrowser: Promise<Browser> | null = null;

/**
 * The Chromium of this test worker, shared by its test files (vitest runs them one after the other
 * in one process, `isolate: false`): a launch costs seconds on a loaded machine. Tests isolate
 * themselves with a fresh context each (openPage), which they close. Playwright kills the browser
 * when the worker exits.
 */
export function sharedBrowser(): Promise<Browser> {
  if (workerBrowser === null) {
    const launched = launchBrowser();
    workerBrowser = launched;
    const forget = () => {
      if (workerBrowser === launched) workerBrowser = null;
    };
    launched.then((browser) => browser.on('disconnected', forget), forget);
  }
  return workerBrowser;
}

/**
 * The worker's shared Chromium for the test file (see sharedBrowser), got before its tests run;
 * each test opens its own context with openPage. The returned getter throws when read outside a test.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await sharedBrowser();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not started: read the browser inside a test or hook');
    return browser;
  };
}

/**
 * Signs in through the form, as a person does: opens /user/login (with redirect_to when given),
 * submits the account's name or address and password, and waits until the app leaves the form
 * (for `landing` when given).
 */
export async function signInWithForm(
  page: Page,
  baseUrl: string,
  login: string,
  options: { password?: string; redirectTo?: string; landing?: string } = {},
): Promise<void> {
  await page.goto(`${baseUrl}/user/login${options.redirectTo === undefined ? '' : `?redirect_to=${options.redirectTo}`}`);
  await fillSignIn(page, login, options.password ?? PASSWORD);
  await page.waitForURL((url) => (options.landing === undefined ? url.pathname !== '/user/login' : url.pathname === options.landing));
}

/** Fills the sign-in form the page shows and submits it. */
export async function fillSignIn(page: Page, login: string, password: string = PASSWORD): Promise<void> {
  await page.getByLabel("Nom d'utilisateur ou adresse électronique").fill(login);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
}

/** The WCAG 2.1 A and AA rule sets, the automated part of RGAA 4. */
export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** One axe violation, reduced to what a failing assertion should show. */
export interface A11yViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let axeSource: string | null = null;
/** Contexts whose new documents get axe-core at their start (see checkA11y). */
const axeContexts = new WeakSet<BrowserContext>();

/** Runs axe-core in the page and returns its WCAG 2.1 AA violations (an empty array when the page passes). */
export async function checkA11y(page: Page): Promise<A11yViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Not page.addScriptTag: the app's CSP (script-src 'self') rightly blocks an inline script, and
  // bypassing CSP in tests would hide real violations. Scripts given through the DevTools protocol are not subject to it.
  // Evaluating axe's 550 kB in each new document cost 1–2 s per check on the loaded two-core machine; once a context
  // has been checked, its later documents get axe as an init script, which Chromium compiles once and caches.
  const context = page.context();
  if (!axeContexts.has(context)) {
    axeContexts.add(context);
    await context.addInitScript({ content: axeSource });
  }
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
  }, A11Y_TAGS);
}

/** Waits until the page's first h1 reads `text` and the page has stopped loading its data. */
export async function waitForHeading(page: Page, text: string | RegExp): Promise<void> {
  await expect.poll(() => page.locator('h1').first().textContent()).toMatch(text);
  await expect.poll(() => page.locator('[role="status"].fab-status').count()).toBe(0);
}

/** Where the screenshots the documentation shows are kept. */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

/** At 1280 and 390 px: no horizontal scroll of the page, no axe violation, and a screenshot kept in docs/screenshots/. */
export async function lookAt(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    try {
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), { message: `${name} at ${width} px` }).toBeLessThanOrEqual(0);
    } catch (err) {
      // Name the elements that stick out, deepest first: what a person fixing the page needs.
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && ![...e.children].some((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`),
      );
      throw new Error(`${(err as Error).message}; sticking out: ${wide.join(', ')}`, { cause: err });
    }
    expect(await checkA11y(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The header's account button (the avatar) of a signed-in `login`. */
export function accountButton(page: Page, login: string): Locator {
  return page.getByRole('banner').getByRole('button', { name: new RegExp(`^(Compte de ${login}|${login}'s account)`) });
}

/** Opens the header's account menu (profile, notifications, tokens, sign out) unless it is open. */
export async function openAccountMenu(page: Page): Promise<void> {
  const button = page.locator('header .fab-avatar-button');
  await button.waitFor();
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
}
