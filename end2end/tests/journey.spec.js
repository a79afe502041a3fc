// The whole journey in the browser, through the embedded sandbox's IDnow page, as
// X-MANUALTEST-HAPPYPATH, in English and in German, and an abort with a retry.
const { test, expect } = require('./served-html');

// axe-core is injected as a script, which the pages' CSP would refuse; the audit needs JS.
test.use({ bypassCSP: true });
const { shot, signUp, idnowSession, identCode } = require('./helpers');

for (const lang of ['en', 'de']) {
  test(`X-MANUALTEST-HAPPYPATH completes the sign-up (${lang})`, async ({ page, request }, info) => {
    const de = lang === 'de';
    await signUp(page, info, 'X-MANUALTEST-HAPPYPATH', lang);
    await idnowSession(page, info, { lang });
    await identCode(page, { lang });
    await expect(page).toHaveURL(/\/identification\/return\?transaction_number=/);
    // The review here lasts under a second (SANDBOX_TIME_SCALE), so the page may reload under
    // an audit: the page during the review is audited in after-the-call.spec.js, where the
    // review lasts minutes.
    // Move the sandbox's clock past the review; the open page shows the change by itself
    // (the live stream with JavaScript, the timed reload without).
    await request.post('/sandbox/_sandbox/clock/advance', { data: { seconds: 120 } });
    await expect(page.locator('[data-status="successful"]')).toBeVisible({ timeout: 20000 });
    await shot(page, info, '11-return-successful');
    await page.getByRole('link', { name: de ? 'Weiter zum Abschluss' : 'Continue to complete your sign-up' }).click();
    await expect(async () => {
      await page.goto('/complete');
      await expect(page.locator('.person-data')).toBeVisible({ timeout: 500 });
    }).toPass({ timeout: 20000 });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(de ? 'Ihre Anmeldung ist abgeschlossen' : 'Your sign-up is complete');
    await shot(page, info, '12-complete');
    const html = await page.content();
    expect(html).not.toContain('TST-');
  });
}

test('an aborted identification is explained and retried with the same link', async ({ page, request }, info) => {
  await signUp(page, info, 'X-MANUALTEST-ABORTIDENT', 'en');
  await idnowSession(page, info);
  await expect(page).toHaveURL(/\/identification\/return/);
  await expect(async () => {
    await page.goto('/identification/return');
    await expect(page.locator('[data-status="aborted"]')).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20000 });
  await expect(page.getByText('You can fix this yourself')).toBeVisible();
  await shot(page, info, '13-aborted');
  await page.getByRole('button', { name: 'Try the video identification again' }).click();
  await expect(page).toHaveURL(/\/sandbox\/idnow\//);
  await idnowSession(page, info);
  await identCode(page);
  await request.post('/sandbox/_sandbox/clock/advance', { data: { seconds: 120 } });
  await expect(async () => {
    await page.goto('/identification/return');
    await expect(page.locator('[data-status="successful"]')).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20000 });
});

test('without a list of documents from Solaris the customer chooses from the guide and goes on', async ({ page, request }, info) => {
  const faults = await request.put('/sandbox/_sandbox/faults', {
    data: { routes: [{ path: '/v1/persons/*/identifications/*/supported_documents', status: 503 }] },
  });
  expect(faults.status()).toBe(200);
  try {
    await signUp(page, info, 'X-MANUALTEST-HAPPYPATH', 'de', {
      onDocuments: async () => {
        await expect(page.getByText('Die Liste der akzeptierten Dokumente ist gerade nicht abrufbar')).toBeVisible();
        await expect(page.getByRole('link', { name: /Liste der akzeptierten Dokumente bei IDnow/ }))
          .toHaveAttribute('href', 'https://go.idnow.de/bafin2017/documents');
        await shot(page, info, '14-documents-unlisted');
      },
    });
  } finally {
    await request.delete('/sandbox/_sandbox/faults');
  }
});

test('a customer withdraws the application from a journey page and the data is deleted', async ({ page }, info) => {
  await page.goto('/?lang=en');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page).toHaveURL(/\/terms$/);
  await page.getByRole('link', { name: 'Withdraw my application' }).click();
  await expect(page).toHaveURL(/\/withdraw$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Withdraw your application?');
  await shot(page, info, '15-withdraw-confirm');
  await page.getByRole('button', { name: 'Withdraw and delete my data' }).click();
  await expect(page.getByRole('status')).toContainText('We have deleted your data');
  await shot(page, info, '16-withdrawn');
});
