// The way back in a fresh browser: the link from the mail (read from the sandbox's
// development mailbox, which stands in for SMTP here), the date of birth, the lock after five
// wrong answers, and a link refused once the application ended.
const { test, expect } = require('./served-html');
const { shot, signUp } = require('./helpers');

test.use({ bypassCSP: true });
// Each test signs up and waits for one or two mails through the outbox: about 15–20 s alone,
// and past the default 30 s on a busy 2-core machine (the JavaScript run once took 30.5 s).
test.describe.configure({ timeout: 60000 });

/// A desk customer in a browser of their own, signed up to IDnow's page with `email`.
async function customerAt(browser, info, email, lang = 'en') {
  const desk = await browser.newContext({
    baseURL: process.env.BASE_URL,
    javaScriptEnabled: process.env.PW_JS === '1',
    bypassCSP: true,
  });
  const page = await desk.newPage();
  await signUp(page, info, 'X-MANUALTEST-HAPPYPATH', lang, { email });
  return { desk, page };
}

/// The resume link of the newest mail to `email` whose subject contains `subject`.
async function linkFromMail(request, email, subject) {
  let link;
  await expect(async () => {
    const mails = await (await request.get('/sandbox/_sandbox/mail')).json();
    const mail = mails.find((m) => m.to === email && m.subject.includes(subject));
    expect(mail, `a mail "${subject}" to ${email}`).toBeTruthy();
    link = mail.text.match(/http\S+\/resume\/\S+/)[0];
  }).toPass({ timeout: 15000 });
  return link;
}

async function answer(page, day, month, year, de = false) {
  await page.getByLabel(de ? 'Tag' : 'Day').fill(day);
  await page.getByLabel(de ? 'Monat' : 'Month').fill(month);
  await page.getByLabel(de ? 'Jahr' : 'Year').fill(year);
  await page.getByRole('button', { name: de ? 'Weiter' : 'Continue' }).click();
}

const unique = (name) => `${name}-${process.env.PW_JS}-${Date.now()}@example.com`;

test('the mailed link lands on the customer\'s step in a fresh browser after the date of birth', async ({ page, browser, request }, info) => {
  const email = unique('resume');
  const { desk } = await customerAt(browser, info, email);
  const link = await linkFromMail(request, email, 'your application is saved');
  await desk.close();

  // `page` is a browser that never saw the application.
  await page.goto(link);
  await expect(page).toHaveURL(/\/resume$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Continue your application');
  await shot(page, info, '20-resume');
  await answer(page, '2', '1', '1990');
  await expect(page.getByRole('alert')).toContainText('Tries left: 4');
  await expect(page.getByLabel('Day')).toHaveValue('2');
  await shot(page, info, '21-resume-wrong');
  // Keyboard only: the three inputs in order, then the button.
  await page.getByLabel('Day').fill('');
  await page.getByLabel('Day').focus();
  await page.keyboard.type('01');
  await page.keyboard.press('Tab');
  await page.keyboard.type('01');
  await page.keyboard.press('Tab');
  await page.keyboard.type('1990');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/identification\/return/);
  await expect(page.locator('[data-status]')).toBeVisible();
});

test('five wrong dates of birth lock the link and a fresh one is mailed (German)', async ({ page, browser, request }, info) => {
  const email = unique('locked');
  const { desk } = await customerAt(browser, info, email, 'de');
  const link = await linkFromMail(request, email, 'Ihr Antrag ist gespeichert');
  await desk.close();
  await page.goto(link);
  for (let left = 4; left >= 1; left--) {
    await answer(page, '2', '2', '1990', true);
    await expect(page.getByRole('alert')).toContainText(`Verbleibende Versuche: ${left}`);
  }
  await answer(page, '2', '2', '1990', true);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dieser Link ist gesperrt');
  await shot(page, info, '22-resume-locked');
  const fresh = await linkFromMail(request, email, 'Ein neuer Link zu Ihrem Antrag');
  expect(fresh).not.toBe(link);
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dieser Link funktioniert nicht mehr');
  await page.goto(fresh);
  await answer(page, '1', '1', '1990', true);
  await expect(page).toHaveURL(/\/identification\/return/);
});

test('the link is refused once the application ended', async ({ page, browser, request }, info) => {
  const email = unique('ended');
  const { desk, page: deskPage } = await customerAt(browser, info, email);
  const link = await linkFromMail(request, email, 'your application is saved');
  await deskPage.goto('/withdraw');
  await deskPage.getByRole('button', { name: 'Withdraw and delete my data' }).click();
  await expect(deskPage.getByRole('status')).toContainText('We have stopped your application');
  await desk.close();
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link no longer works');
  await shot(page, info, '23-resume-ended');
});
