// The back office in the browser: an administrator made with `solaris-onboarding staff add`
// sets up the account (password and a TOTP code computed here), signs in, finds the customer
// of a journey that just ended, opens the consent evidence and downloads the KYC report; axe
// audits every back-office page on the way.
const { test, expect } = require('./served-html');
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');

test.use({ bypassCSP: true });
const { shot, signUp, idnowSession, identCode } = require('./helpers');

/// RFC 6238 with SHA-1, six digits, 30-second steps, for a base32 secret.
function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

/// Reflow (WCAG 1.4.10): the page does not scroll sideways at 200 % zoom (640 px of a 1280 px
/// window) nor at 400 % (320 px); then the window is as it was.
async function reflows(page, name) {
  const before = page.viewportSize();
  for (const width of [640, 320]) {
    await page.setViewportSize({ width, height: 800 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide, `${name} at ${width} px`).toBeLessThanOrEqual(width);
  }
  await page.setViewportSize(before);
}

/// `solaris-onboarding staff add` against the app's database; returns the setup link's path.
function staffAdd(email, role) {
  const printed = execFileSync(process.env.E2E_APP_BIN, ['staff', 'add', '--email', email, '--role', role], {
    env: { ...process.env, RUST_LOG: 'warn' },
    encoding: 'utf8',
  });
  const link = printed.split('\n').find((l) => l.includes('/backoffice/setup/'));
  return new URL(link).pathname;
}

test('an administrator finds a completed application, its consent evidence and its KYC report', async ({ page, request }, info) => {
  test.setTimeout(120000);
  const run = `${process.env.PW_JS === '1' ? 'on' : 'off'}-${Date.now()}`;
  const customerEmail = `erika-${run}@example.com`;
  await signUp(page, info, 'X-MANUALTEST-HAPPYPATH', 'en', { email: customerEmail });
  await idnowSession(page, info);
  await identCode(page);
  await expect(page).toHaveURL(/\/identification\/return\?transaction_number=/);
  await request.post('/sandbox/_sandbox/clock/advance', { data: { seconds: 120 } });
  await expect(page.locator('[data-status="successful"]')).toBeVisible({ timeout: 20000 });

  // Setting up the account: a wrong code first is refused next to its field.
  const email = `admin-${run}@bank.example`;
  await page.goto(staffAdd(email, 'admin'));
  await shot(page, info, 'bo-01-setup');
  const secret = (await page.locator('.totp-key').textContent()).trim();
  await page.getByLabel('New password').fill('a long staff passphrase');
  await page.getByLabel('Repeat the password').fill('a long staff passphrase');
  await page.getByLabel('The code your app shows now').fill('000000');
  await page.getByRole('button', { name: 'Save and go to sign-in' }).click();
  await expect(page.getByRole('alert')).toContainText('This code is not right');
  await expect(page).toHaveTitle(/^Error:/);
  await shot(page, info, 'bo-02-setup-refused');
  await page.getByLabel('New password').fill('a long staff passphrase');
  await page.getByLabel('Repeat the password').fill('a long staff passphrase');
  await page.getByLabel('The code your app shows now').fill(totp(secret));
  await page.getByRole('button', { name: 'Save and go to sign-in' }).click();
  await expect(page).toHaveURL(/\/backoffice\/login\?done=setup/);
  await expect(page.getByRole('status')).toContainText('Your account is ready');
  await shot(page, info, 'bo-03-login');

  // Signing in, by keyboard.
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('a long staff passphrase');
  await page.getByLabel('Code from your authenticator app').fill(totp(secret));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/backoffice\/applications$/);
  await shot(page, info, 'bo-04-applications');
  await reflows(page, 'bo-04-applications');

  // Finding the customer by e-mail.
  await page.getByLabel('Name, e-mail or id').fill(customerEmail);
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.locator('table.results tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('X-MANUALTEST-HAPPYPATH Beispiel');
  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Application');
  await expect(page.getByText('X-MANUALTEST-HAPPYPATH').first()).toBeVisible();
  await shot(page, info, 'bo-05-application');
  await reflows(page, 'bo-05-application');

  // The consent evidence, printable, with the exact texts.
  await page.getByRole('link', { name: 'Printable page' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Consent evidence');
  await expect(page.locator('.legal-text')).toHaveCount(2);
  await shot(page, info, 'bo-06-consents');
  await reflows(page, 'bo-06-consents');
  await page.goBack();

  // The KYC report, once Solaris listed the documents after the success.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('link', { name: 'Download' }).first()).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20000 });
  const kyc = page.locator('tr', { hasText: 'KYC_REPORT' }).getByRole('link', { name: 'Download' });
  const [download] = await Promise.all([page.waitForEvent('download'), kyc.click()]);
  expect(download.suggestedFilename()).toMatch(/\S/);
  expect(fs.statSync(await download.path()).size).toBeGreaterThan(0);

  // The queue and the audit log, which has every view above.
  await page.getByRole('link', { name: 'Needs attention' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Needs attention');
  await shot(page, info, 'bo-07-attention');
  await reflows(page, 'bo-07-attention');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('cell', { name: 'download_document' }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'export_consents' }).first()).toBeVisible();
  await shot(page, info, 'bo-08-audit');
  await reflows(page, 'bo-08-audit');
  await page.getByRole('link', { name: 'Deutsch' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Prüfprotokoll');
  await shot(page, info, 'bo-09-audit-de');
  await reflows(page, 'bo-09-audit-de');
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await expect(page).toHaveURL(/\/backoffice\/login\?done=signed-out/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Anmeldung im Backoffice');
});
