const { test, expect } = require('./served-html');

test('the welcome page explains the journey and switches to German', async ({ page }, info) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Open your account');
  await expect(page.getByText('German or English')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  await page.screenshot({ path: info.outputPath('welcome-en.png'), fullPage: true });

  await page.getByRole('link', { name: 'Deutsch' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Eröffnen Sie Ihr Konto');
  await page.screenshot({ path: info.outputPath('welcome-de.png'), fullPage: true });
});

test('the start button is reachable by keyboard', async ({ page }) => {
  await page.goto('/?lang=en');
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.textContent === 'Start')) return;
  }
  throw new Error('Tab never reached the start button');
});
