// The web guide in a real browser: Debian's Chromium driven by playwright-core, checked with
// axe-core. Run by .ci/run after `lmcpress build`; not part of `cargo test`.
//
//   node check.mjs PAGE.html [--screenshots DIR]
//
// Fails (exit 1) on any axe-core WCAG 2.2 A/AA violation (at desktop and at 320 px), any
// `#link` without its target, any request that leaves the page, sideways scrolling at
// 320 px, a missing skip link, or not exactly one h1.

import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

const args = process.argv.slice(2);
const shotsAt = args.indexOf('--screenshots');
const shotsDir = shotsAt >= 0 ? args.splice(shotsAt, 2)[1] : null;
if (args.length !== 1) {
  console.error('usage: node check.mjs PAGE.html [--screenshots DIR]');
  process.exit(2);
}
const pageFile = path.resolve(args[0]);
const pageUrl = pathToFileURL(pageFile).href;

const failures = [];
const fail = (msg) => failures.push(msg);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  // Every request other than the page itself is refused and reported: the page must be
  // readable on its own, with no fonts, scripts or images from elsewhere.
  const outside = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.split('#')[0] === pageUrl) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') fail(`console error: ${m.text()}`); });
  await page.goto(pageUrl, { waitUntil: 'load' });

  const axe = async (label) => {
    await page.addScriptTag({ content: AXE_SOURCE });
    const result = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
      WCAG_TAGS,
    );
    for (const v of result.violations) {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
      fail(`axe (${label}): ${v.id} (${v.impact}): ${v.help} [${v.nodes.length} elements: ${where}]`);
    }
    return result.violations.length;
  };

  const facts = await page.evaluate(() => {
    const ids = new Set([...document.querySelectorAll('[id]')].map((e) => e.id));
    const dupes = [...document.querySelectorAll('[id]')].map((e) => e.id).filter((id, i, all) => all.indexOf(id) !== i);
    const internal = [...document.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute('href'));
    const broken = internal.filter((h) => h !== '#' && !ids.has(decodeURIComponent(h.slice(1))));
    return {
      lang: document.documentElement.lang,
      h1: document.querySelectorAll('h1').length,
      internal: internal.length,
      broken: [...new Set(broken)],
      dupes: [...new Set(dupes)],
      firstLink: document.querySelector('a')?.getAttribute('href'),
    };
  });
  if (facts.lang !== 'en-GB') fail(`lang is "${facts.lang}", not en-GB`);
  if (facts.h1 !== 1) fail(`${facts.h1} h1 elements, not one`);
  if (facts.broken.length) fail(`internal links without a target: ${facts.broken.join(', ')}`);
  if (facts.dupes.length) fail(`duplicate ids: ${facts.dupes.join(', ')}`);
  if (facts.firstLink !== '#main-content') fail('the first link is not a skip link to #main-content');

  // The skip link is the first thing Tab reaches, and it shows when focused.
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    return { href: a.getAttribute('href'), visible: r.top >= 0 && r.bottom <= innerHeight && r.width > 0 };
  });
  if (skip.href !== '#main-content' || !skip.visible) fail(`Tab does not show the skip link (${JSON.stringify(skip)})`);
  await page.keyboard.press('Escape');
  await page.evaluate(() => document.activeElement?.blur());

  const desktopViolations = await axe('desktop');
  if (shotsDir) {
    mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: path.join(shotsDir, 'guide-desktop.png') });
  }

  // WCAG 1.4.10: at 320 CSS pixels nothing may need sideways scrolling.
  await page.setViewportSize({ width: 320, height: 720 });
  const reflow = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .filter((e) => getComputedStyle(e).position !== 'absolute')
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + e.className : ''}`),
  }));
  if (reflow.scroll > reflow.width) {
    fail(`sideways scrolling at 320 px: page is ${reflow.scroll} px wide (${reflow.wide.join(', ')})`);
  }
  const phoneViolations = await axe('320 px');
  if (shotsDir) {
    await page.screenshot({ path: path.join(shotsDir, 'guide-phone.png') });
  }

  if (outside.length) fail(`requests left the page: ${[...new Set(outside)].join(', ')}`);
  console.log(
    `${path.basename(pageFile)}: axe WCAG 2.2 A/AA violations: ${desktopViolations} at 1280 px, ${phoneViolations} at 320 px; ` +
      `${facts.internal} internal links, ${facts.broken.length} broken; ${outside.length} outside requests; ` +
      `width at 320 px: ${reflow.scroll} px`,
  );
} finally {
  await browser.close();
}

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log('ok');
