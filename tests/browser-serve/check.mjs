// Browser check of `lmcpress serve` in Debian's headless Chromium: the practice page updates
// by itself after a profile edit on disk, the profile form refuses a bad e-mail with a message
// beside the field and saves a valid value; the LMC editor edits a guide section with a live
// preview, saves it, meets a conflict, restores a version and a practice's link is refused;
// and axe-core finds no WCAG 2.2 AA violations on any page, wide and at 320 pixels.
// Run by .ci/run: `node tests/browser-serve/check.mjs` (LMCPRESS_BIN names the binary;
// SCREENSHOTS=DIR also saves a screenshot of each page there).

import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const bin = process.env.LMCPRESS_BIN || path.join(repo, 'target/debug/lmcpress');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = process.env.SCREENSHOTS;
const axeSource = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');

for (const [what, file] of [['lmcpress binary', bin], ['Chromium', browserPath]]) {
  if (!fs.existsSync(file)) {
    console.log(`browser check skipped: no ${what} at ${file}`);
    process.exit(0);
  }
}

let failures = 0;
function check(ok, message) {
  if (ok) {
    console.log(`ok   ${message}`);
  } else {
    failures += 1;
    console.log(`FAIL ${message}`);
  }
}

// A small project on the built-in theme: the shipped LMC, one poster, one letter, one practice.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lmcpress-browser-'));
fs.mkdirSync(path.join(root, 'content/practices'), { recursive: true });
for (const f of ['lmc.yaml', 'ag-disclaimer.md']) {
  fs.copyFileSync(path.join(repo, 'content', f), path.join(root, 'content', f));
}
function first(sub) {
  const names = fs.readdirSync(path.join(repo, 'content', sub)).filter((n) => n.endsWith('.md')).sort();
  fs.mkdirSync(path.join(root, 'content', sub), { recursive: true });
  fs.copyFileSync(path.join(repo, 'content', sub, names[0]), path.join(root, 'content', sub, names[0]));
  return names[0].replace(/\.md$/, '');
}
const poster = first('posters');
first('letters');
const section = first('guide');
const profilePath = path.join(root, 'content/practices/a.yaml');
fs.writeFileSync(profilePath, `# Practice A
ods_code: Z90001
name: "Alder & Ash Surgery"
address: ["1 Alder Row", "Leicester"]
postcode: LE1 1AA
phone: "0116 496 0001" # front desk
email: hello@alder.example.org
brand_colour: "#005EB8"
signatory:
  name: Dr Ann Alder
  role: GP Partner
posters: [${poster}]
`);

const server = spawn(bin, ['serve', '--root', root, '--port', '0', '--debounce', '50'], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
const log = [];
createInterface({ input: server.stderr }).on('line', (l) => log.push(l));
const base = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).once('line', (line) => {
    const m = line.match(/listening on (http:\/\/\S+)\//);
    if (m) resolve(m[1]); else reject(new Error(`unexpected first line: ${line}`));
  });
  server.once('exit', (code) => reject(new Error(`lmcpress serve exited with ${code}\n${log.join('\n')}`)));
});

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function axe(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  for (const v of result.violations) {
    console.log(`  axe ${name}: ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  }
  check(result.violations.length === 0, `axe-core: no violations on ${name}`);
}

async function shot(page, name) {
  if (shots) {
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, `serve-${name}.png`), fullPage: true });
  }
}

try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  // HTTP statuses (the refused form's 422, a favicon's 404) are logged as errors too: skip them.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });

  // Wait for the first build to put the poster on the page.
  const deadline = Date.now() + 120000;
  for (;;) {
    await page.goto(`${base}/practices/Z90001/`);
    if (await page.locator('img').count() > 0) break;
    if (Date.now() > deadline) throw new Error(`no previews after two minutes\n${log.join('\n')}`);
    await page.waitForTimeout(500);
  }
  await page.waitForLoadState('networkidle');
  check(await page.locator('button[data-copy]').isVisible(), 'copy button shown when JavaScript runs');
  await axe(page, 'practice page');
  await shot(page, 'practice');

  // Live update: edit the profile on disk; the heading changes without a reload.
  await page.evaluate(() => { window.__sameDocument = true; });
  fs.writeFileSync(profilePath, fs.readFileSync(profilePath, 'utf8').replace('Alder & Ash', 'Alder & Oak'));
  await page.waitForFunction(() => document.querySelector('h1').textContent.includes('Alder & Oak'), null, { timeout: 60000 });
  check(await page.evaluate(() => window.__sameDocument === true), 'page updated live after an edit on disk, without reloading');

  // A failed rebuild shows its diagnostic, and fixing it clears it.
  const good = fs.readFileSync(profilePath, 'utf8');
  fs.writeFileSync(profilePath, good.replace('"#005EB8"', '"#768692"'));
  await page.waitForSelector('.problems', { timeout: 60000 });
  check((await page.locator('.problems').textContent()).includes('768692'), 'a broken profile shows its diagnostic live');
  await shot(page, 'practice-problem');
  fs.writeFileSync(profilePath, good);
  await page.waitForSelector('.problems', { state: 'detached', timeout: 60000 });
  check(true, 'the diagnostic clears when the profile is mended');

  await page.goto(`${base}/`);
  await axe(page, 'index');
  await shot(page, 'index');

  // The form refuses a bad e-mail with a message beside it and leaves the file alone.
  await page.goto(`${base}/practices/Z90001/profile`);
  await axe(page, 'profile form');
  await shot(page, 'profile');
  const before = fs.readFileSync(profilePath, 'utf8');
  await page.fill('input[name="email"]', 'reception.example.org');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
  await page.waitForSelector('#f-email-e');
  check((await page.locator('#f-email-e').textContent()).includes('is not an e-mail address'), 'bad e-mail refused with a message');
  check(await page.getAttribute('input[name="email"]', 'aria-invalid') === 'true', 'the e-mail field is marked invalid');
  check(fs.readFileSync(profilePath, 'utf8') === before, 'the refused save left the file untouched');
  await axe(page, 'profile form with an error');
  await shot(page, 'profile-error');

  // A valid value saves, and the practice page shows the rebuilt documents.
  await page.fill('input[name="email"]', 'hello@alder.example.org');
  await page.fill('input[name="phone"]', '0116 496 0999');
  await Promise.all([page.waitForURL(/\/practices\/Z90001\/\?saved=1$/), page.click('button[type="submit"]')]);
  const after = fs.readFileSync(profilePath, 'utf8');
  check(after.includes('phone: 0116 496 0999 # front desk') && after.startsWith('# Practice A'), 'the valid save rewrote the profile, comments kept');
  await page.waitForFunction(() => document.body.hasAttribute('data-updated'), null, { timeout: 60000 });
  check(true, 'the practice page updated after the save');

  // The profile's history lists that save, with a way back to the version before it.
  await page.goto(`${base}/practices/Z90001/profile/history`);
  check(await page.locator('button:has-text("Restore this version")').count() >= 1, 'the profile history offers a restore');
  await axe(page, 'profile history');
  // The content format, served by the program itself.
  await page.goto(`${base}/help/content-format`);
  check(await page.locator('h1').count() >= 1, 'the content format is a page');
  await axe(page, 'content format help');

  // The LMC editor edits a guide section: the preview follows the typing, nothing is saved
  // until Save, the guide is rebuilt, and every version is kept.
  const wide = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  wide.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
  const sectionFile = path.join(root, 'content/guide', `${section}.md`);
  const original = fs.readFileSync(sectionFile, 'utf8');
  await wide.goto(`${base}/content/`);
  check(await wide.locator(`a[href="/content/guide/${section}"]`).count() === 1, 'the content list links the guide section');
  await axe(wide, 'content list');
  await shot(wide, 'content');
  await wide.goto(`${base}/content/guide/${section}`);
  await wide.waitForSelector('#preview-body img.page', { timeout: 60000 });
  const pagesNow = () => wide.evaluate(() => [...document.querySelectorAll('#preview-body img.page')].map((i) => i.src).join('|'));
  const shownBefore = await pagesNow();
  await wide.locator('#body').evaluate((t) => { t.focus(); t.setSelectionRange(t.value.length, t.value.length); });
  await wide.keyboard.type('\n\nTyped in the browser, previewed before saving.');
  const typedAt = Date.now();
  await wide.waitForFunction((old) => [...document.querySelectorAll('#preview-body img.page')].map((i) => i.src).join('|') !== old
    && document.getElementById('preview').getAttribute('aria-busy') === 'false', shownBefore, { timeout: 30000 });
  console.log(`     preview replaced ${Date.now() - typedAt} ms after the last key (300 ms of it the pause)`);
  check(true, 'the preview changed while typing');
  check(fs.readFileSync(sectionFile, 'utf8') === original, 'typing saved nothing');
  // The front matter form: a changed field is previewed like a changed line of YAML.
  const beforeTitle = await pagesNow();
  await wide.locator('#fm-summary').fill('A summary typed into the front matter form.');
  await wide.waitForFunction((old) => [...document.querySelectorAll('#preview-body img.page')].map((i) => i.src).join('|') !== old
    && document.getElementById('preview').getAttribute('aria-busy') === 'false', beforeTitle, { timeout: 30000 });
  check(true, 'the preview follows the front matter form');
  check(fs.readFileSync(sectionFile, 'utf8') === original, 'the form saved nothing by itself');
  await axe(wide, 'content editor with preview');
  await shot(wide, 'content-editor');
  const guidePdf = () => {
    const dir = path.join(root, 'output/guide');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.pdf') && !n.includes('changes'))
      .map((n) => fs.statSync(path.join(dir, n)).mtimeMs).reduce((a, b) => Math.max(a, b), 0) : 0;
  };
  const builtBefore = guidePdf();
  await Promise.all([wide.waitForURL(/\?saved=1$/), wide.click('button[value="save"]')]);
  check(fs.readFileSync(sectionFile, 'utf8').includes('Typed in the browser'), 'Save wrote the section');
  const rebuiltBy = Date.now() + 60000;
  while (guidePdf() <= builtBefore && Date.now() < rebuiltBy) await wide.waitForTimeout(200);
  check(guidePdf() > builtBefore, 'the guide PDF was rebuilt after the save');
  await wide.goto(`${base}/content/guide/${section}?view=history`);
  check(await wide.locator('.versions > li').count() === 2, 'the history holds the version replaced and the new one');
  await axe(wide, 'history page');
  await shot(wide, 'content-history');

  // The file changes on disk while the editor is open: the next save is refused, both shown.
  await wide.goto(`${base}/content/guide/${section}`);
  fs.appendFileSync(sectionFile, '\nEdited on disk meanwhile.\n');
  await wide.locator('#body').evaluate((t) => { t.focus(); t.setSelectionRange(t.value.length, t.value.length); });
  await wide.keyboard.type(' And in the browser.');
  await Promise.all([wide.waitForLoadState('load'), wide.click('button[value="save"]')]);
  await wide.waitForSelector('.conflict table.diff tr.changed');
  check(fs.readFileSync(sectionFile, 'utf8').includes('Edited on disk meanwhile.'), 'the conflicting save overwrote nothing');
  check((await wide.locator('.conflict').textContent()).includes('Edited on disk meanwhile.'), 'the conflict view shows the version on disk');
  await axe(wide, 'conflict view');
  await shot(wide, 'content-conflict');

  // Restore the first version: the file is as it was before any of this.
  await wide.goto(`${base}/content/guide/${section}?view=history`);
  await Promise.all([wide.waitForURL(/\?saved=1$/), wide.locator('form.restore button').last().click()]);
  check(fs.readFileSync(sectionFile, 'utf8') === original, 'restoring the first version put the file back');

  // Sign-off: the shipped LMC asks for approval and nobody has approved this project yet, so
  // the section waits on the review list; its page shows the difference and the rendered pages.
  const reviewUrl = `/content/review/content/guide/${section}.md`;
  await wide.goto(`${base}/content/review/`);
  check(await wide.locator(`a[href="${reviewUrl}"]`).count() === 1, 'the review list links the unapproved section');
  await axe(wide, 'review list');
  await wide.goto(`${base}${reviewUrl}`);
  check(await wide.locator('table.diff').count() === 1, 'the review page shows the difference since approval');
  check(await wide.locator('img.page').count() > 0, 'the review page shows the pages as they would go out');
  await axe(wide, 'review page');
  await shot(wide, 'review');

  const narrow = await (await browser.newContext({ viewport: { width: 320, height: 700 }, isMobile: true, hasTouch: true })).newPage();
  for (const [name, url] of [['content list', '/content/'], ['content editor', `/content/guide/${section}`], ['history page', `/content/guide/${section}?view=history`], ['review list', '/content/review/'], ['review page', reviewUrl], ['profile form', '/practices/Z90001/profile'], ['profile history', '/practices/Z90001/profile/history'], ['content format help', '/help/content-format']]) {
    await narrow.goto(`${base}${url}`);
    if (name === 'content editor') await narrow.waitForSelector('#preview-body img.page', { timeout: 60000 });
    check(!await narrow.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), `no sideways scrolling on the ${name} at 320 px`);
    await axe(narrow, `${name} at 320 px`);
  }

  // On a phone.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  await small.goto(`${base}/practices/Z90001/`);
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  check(!overflow, 'no sideways scrolling on a phone');
  await axe(small, 'practice page on a phone');
  await shot(small, 'phone');
  check(errors.length === 0, `no console errors${errors.length ? `: ${errors.join('; ')}` : ''}`);

  // A practice's link opens none of the editor's pages.
  const granted = spawnSync(bin, ['access', 'grant', 'Z90001', '--root', root], { encoding: 'utf8' });
  const key = granted.stdout.trim().split('key=')[1];
  const keyed = spawn(bin, ['serve', '--root', root, '--port', '0', '--debounce', '50', '--require-keys'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const keyedBase = await new Promise((resolve) => createInterface({ input: keyed.stdout }).once('line', (l) => resolve(l.match(/(http:\/\/\S+)\//)[1])));
    const outsider = await (await browser.newContext()).newPage();
    const res = await outsider.goto(`${keyedBase}/content/?key=${key}`);
    check(res.status() === 403, `a practice's link gets 403 on the content list (got ${res.status()})`);
    const res2 = await outsider.goto(`${keyedBase}/content/guide/${section}`);
    check(res2.status() === 403, 'and on the editor');
    const res3 = await outsider.goto(`${keyedBase}/content/review/`);
    check(res3.status() === 403, 'and on the review list');
  } finally {
    keyed.kill('SIGINT');
  }
} catch (e) {
  failures += 1;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  await browser.close();
  server.kill('SIGINT');
  fs.rmSync(root, { recursive: true, force: true });
}
console.log(failures ? `browser check: ${failures} failed` : 'browser check: all passed');
process.exit(failures ? 1 : 0);
