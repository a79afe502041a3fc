// The minutes after the call in a real browser, with JavaScript off and on: back from IDnow
// the page says IDnow checks the call (and does not send the customer back into it); a request
// Solaris refuses for good is not offered again; the phone that continues the call is not sent
// to a phone, and the desktop follows the call without inviting the customer to start it.
const { test, expect } = require('./served-html');
const { shot, signUp, idnowSession, identCode } = require('./helpers');

test.use({ bypassCSP: true });
test.describe.configure({ timeout: 60000 });

test('back from the call, the return page says IDnow checks it and offers no way back into it', async ({ page }, info) => {
  // LONGREVIEW: the review takes a day (here a hundredth of it, still minutes), so the page
  // stays in the state the customer sees after the call.
  await signUp(page, info, 'X-MANUALTEST-LONGREVIEW', 'en');
  await idnowSession(page, info);
  await identCode(page);
  await expect(page).toHaveURL(/\/identification\/return\?transaction_number=/);
  await expect(page.getByRole('status')).toContainText('IDnow is now checking it; this usually takes 1–2 minutes');
  await expect(page.getByRole('button', { name: 'Continue your video call' })).toHaveCount(0);
  await expect(page.getByText('not through the video call')).toHaveCount(0);
  await shot(page, info, '30-return-checking');
  // Looked at again without the transaction number, the words stay.
  await page.goto('/identification/return');
  await expect(page.getByRole('status')).toContainText('IDnow is now checking it');
});

test('a request Solaris refuses for good is said so, and offered no button to repeat it', async ({ page }, info) => {
  // HOLDCERTIFICATE is eSigning only: Solaris refuses it for a video identification.
  await signUp(page, info, 'X-AUTOTEST-HOLDCERTIFICATE', 'de', { until: 'redirect' });
  await page.getByRole('button', { name: 'Zur Videoidentifikation' }).click();
  await expect(page.getByRole('alert')).toContainText('ein neuer Versuch ändert daran nichts');
  await expect(page.getByRole('button', { name: 'Zur Videoidentifikation' })).toHaveCount(0);
  await expect(page.getByText('in einer Minute erneut')).toHaveCount(0);
  await shot(page, info, '31-request-refused');
  await page.reload();
  await expect(page.getByRole('alert')).toContainText('ein neuer Versuch ändert daran nichts');
});

test('the phone that continues the call is not sent to a phone, and the desktop follows it', async ({ page, browser }, info) => {
  await signUp(page, info, 'X-MANUALTEST-LONGREVIEW', 'en', { until: 'redirect' });
  await expect(page.getByRole('heading', { name: 'No webcam here? Continue on your phone' })).toBeVisible();
  const link = (await page.locator('.elsewhere code').textContent()).trim();

  const phoneContext = await browser.newContext({
    baseURL: process.env.BASE_URL,
    javaScriptEnabled: process.env.PW_JS === '1',
    bypassCSP: true,
    viewport: { width: 390, height: 844 },
  });
  const phone = await phoneContext.newPage();
  await phone.goto(link);
  await expect(phone).toHaveURL(/\/resume$/);
  await phone.getByLabel('Day').fill('1');
  await phone.getByLabel('Month').fill('1');
  await phone.getByLabel('Year').fill('1990');
  await phone.getByRole('button', { name: 'Continue' }).click();
  await expect(phone).toHaveURL(/\/identification\/start$/);
  await expect(phone.getByRole('button', { name: 'Go to the video identification' })).toBeVisible();
  await expect(phone.getByText('Continue on your phone')).toHaveCount(0);
  await expect(phone.locator('.qr')).toHaveCount(0);
  await shot(phone, info, '32-phone-redirect');
  await phone.getByRole('button', { name: 'Go to the video identification' }).click();
  await expect(phone).toHaveURL(/\/sandbox\/idnow\//);
  await idnowSession(phone, info);

  // The desktop, without a webcam: told where the call runs, not invited to start it here.
  await expect(async () => {
    await page.goto('/identification/return');
    await expect(page.getByRole('status')).toContainText('Your video call runs on your other device', { timeout: 500 });
  }).toPass({ timeout: 20000 });
  await expect(page.getByRole('button', { name: 'Continue your video call' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Continue the call on this computer instead' })).toBeVisible();
  await shot(page, info, '33-desktop-follows');
  await phoneContext.close();
});
