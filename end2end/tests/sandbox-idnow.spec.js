// The embedded sandbox's IDnow page, as a customer of X-MANUALTEST-HAPPYPATH goes through it.
const { test, expect } = require('./served-html');

async function requestedIdentification(request) {
  const token = await request.post('/sandbox/oauth2/token', {
    headers: { Authorization: 'Basic ' + Buffer.from('sandbox-client:sandbox-secret').toString('base64') },
    form: { grant_type: 'client_credentials', scope: 'partners' },
  });
  expect(token.status()).toBe(200);
  const auth = { Authorization: 'Bearer ' + (await token.json()).access_token };
  const person = await request.post('/sandbox/v1/persons', {
    headers: auth,
    data: { first_name: 'X-MANUALTEST-HAPPYPATH', last_name: 'Beispiel', birth_city: 'Musterstadt', birth_date: '1990-01-01' },
  });
  const personId = (await person.json()).id;
  const ident = await request.post(`/sandbox/v1/persons/${personId}/identifications`, {
    headers: auth, data: { method: 'idnow', language: 'EN' },
  });
  const identId = (await ident.json()).id;
  const requested = await request.patch(`/sandbox/v1/persons/${personId}/identifications/${identId}/request`, { headers: auth });
  return { identId, url: (await requested.json()).url };
}

test('a manual happy path goes through consent and ident code back to the partner', async ({ page, request }, info) => {
  const { identId, url } = await requestedIdentification(request);
  await page.goto(url);
  await page.getByLabel('Mobile number').fill('+4917612345678');
  await page.getByRole('button', { name: 'Start identification' }).click();
  await expect(page.getByRole('alert')).toContainText('confirm all three');
  await expect(page.getByLabel('Mobile number')).toHaveValue('+4917612345678');
  await page.screenshot({ path: info.outputPath('idnow-errors.png'), fullPage: true });

  await page.getByLabel(/terms and conditions/).check();
  await page.getByLabel(/recorded/).check();
  await page.getByLabel(/valid ID document/).check();
  await page.getByLabel('Mobile number').fill('+15550101');
  await page.getByRole('button', { name: 'Start identification' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Video call');
  await page.screenshot({ path: info.outputPath('idnow-call.png'), fullPage: true });

  await page.getByLabel('Ident code').fill('123456');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page).toHaveURL(new RegExp(`/identification/return\\?transaction_number=${identId}$`));
});
