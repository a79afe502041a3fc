// The pages outside the happy path: the 404 in both languages, and the answer for a customer
// who does not live in Germany (nothing reaches Solaris for them).
const { test, expect } = require('./served-html');

test('an unknown page is a 404 in the page language with a way back', async ({ page }) => {
  for (const [lang, heading, back] of [['en', 'Page not found', 'Back to the start'], ['de', 'Seite nicht gefunden', 'Zurück zum Anfang']]) {
    const res = await page.goto(`/no-such-page?lang=${lang}`);
    expect(res.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(page.getByRole('link', { name: back })).toHaveAttribute('href', '/');
  }
});

test('a customer living outside Germany is told why and can change the address', async ({ page }) => {
  await page.goto('/?lang=en');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByLabel(/read and accept the Terms/).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel(/consent to the processing/).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Salutation').selectOption('MS');
  await page.getByLabel(/^First names/).fill('Erika');
  await page.getByLabel(/^Last name/).fill('Beispiel');
  await page.getByLabel('Day').fill('1');
  await page.getByLabel('Month').fill('1');
  await page.getByLabel('Year').fill('1990');
  await page.getByLabel('Place of birth').fill('Musterstadt');
  await page.getByLabel('Country of birth').selectOption('AT');
  await page.getByLabel('Nationality').selectOption('AT');
  await page.getByLabel('Employment status').selectOption('EMPLOYED');
  await page.getByLabel('Marital status').selectOption('SINGLE');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Mobile number').fill('0151 23456789');
  await page.getByLabel('E-mail address').fill('erika@example.com');
  await page.getByLabel('Street').fill('Teststraße');
  await page.getByLabel('House number').fill('1');
  await page.getByLabel('Postal code').fill('1010');
  await page.getByLabel('City', { exact: true }).fill('Wien');
  await page.getByLabel('Country of residence').selectOption('AT');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/not-eligible$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Video identification is not available for you');
  await expect(page.getByRole('link', { name: 'Change' })).toHaveAttribute('href', '/details/contact');
});
