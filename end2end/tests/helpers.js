// What the journey tests share: a screenshot with an axe audit of each step, the sign-up up to
// IDnow's page, and the IDnow session in the sandbox.
const { expect } = require('./served-html');

const AXE = require.resolve('axe-core/axe.min.js');

/// A screenshot of the step, and with JavaScript on an axe-core audit: no serious or critical
/// violation of WCAG 2.x A/AA rules.
async function shot(page, info, name) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
  if (process.env.PW_JS !== '1' || page.url().includes('/sandbox/')) return;
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () =>
    await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), `axe on ${name}`).toEqual([]);
}

async function signUp(page, info, firstName, lang, { onDocuments, email = 'erika@example.com', until } = {}) {
  const de = lang === 'de';
  await page.goto(`/?lang=${lang}`);
  await shot(page, info, '01-welcome');
  await page.getByRole('button', { name: de ? 'Starten' : 'Start' }).click();
  await expect(page).toHaveURL(/\/terms$/);
  await shot(page, info, '02-terms');
  await page.getByLabel(de ? /Geschäftsbedingungen der Solaris SE gelesen/ : /read and accept the Terms/).check();
  await page.getByRole('button', { name: de ? 'Weiter' : 'Continue' }).click();
  await expect(page).toHaveURL(/\/privacy$/);
  await page.getByLabel(de ? /willige in die Verarbeitung/ : /consent to the processing/).check();
  await page.getByRole('button', { name: de ? 'Weiter' : 'Continue' }).click();
  await expect(page).toHaveURL(/\/details\/person$/);

  await page.getByLabel(de ? 'Anrede' : 'Salutation').selectOption('MS');
  await page.getByLabel(de ? /^Vornamen/ : /^First names/).fill(firstName);
  await page.getByLabel(de ? /^Nachname/ : /^Last name/).fill('Beispiel');
  // The date of birth in three inputs, in the page's order (day, month, year).
  await page.getByLabel(de ? 'Tag' : 'Day').fill('1');
  await page.getByLabel(de ? 'Monat' : 'Month').fill('1');
  await page.getByLabel(de ? 'Jahr' : 'Year').fill('1990');
  await page.getByLabel(de ? 'Geburtsort' : 'Place of birth').fill('Musterstadt');
  await page.getByLabel(de ? 'Geburtsland' : 'Country of birth').selectOption('DE');
  await page.getByLabel(de ? 'Staatsangehörigkeit' : 'Nationality').selectOption('DE');
  await page.getByLabel(de ? 'Beschäftigungsstatus' : 'Employment status').selectOption('EMPLOYED');
  await page.getByLabel(de ? 'Familienstand' : 'Marital status').selectOption('MARRIED');
  await shot(page, info, '03-person');
  await page.getByRole('button', { name: de ? 'Weiter' : 'Continue' }).click();
  await expect(page).toHaveURL(/\/details\/contact$/);

  // A mistake first: the message appears next to the field and the input is kept.
  await page.getByLabel(de ? 'Mobilnummer' : 'Mobile number').fill('12345');
  await page.getByRole('button', { name: de ? 'Weiter' : 'Continue' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByLabel(de ? 'Mobilnummer' : 'Mobile number')).toHaveValue('12345');
  await shot(page, info, '04-contact-errors');
  await page.getByLabel(de ? 'Mobilnummer' : 'Mobile number').fill('0151 23456789');
  await page.getByLabel(de ? 'E-Mail-Adresse' : 'E-mail address').fill(email);
  await page.getByLabel(de ? 'Straße' : 'Street').fill('Teststraße');
  await page.getByLabel(de ? 'Hausnummer' : 'House number').fill('1');
  await page.getByLabel(de ? 'Postleitzahl' : 'Postal code').fill('10115');
  await page.getByLabel(de ? 'Ort' : 'City', { exact: true }).fill('Berlin');
  await page.getByRole('button', { name: de ? 'Weiter' : 'Continue' }).click();
  await expect(page).toHaveURL(/\/review$/);
  await shot(page, info, '05-review');
  if (until === 'review') return;
  await page.getByRole('button', { name: de ? 'Bestätigen und weiter' : 'Confirm and continue' }).click();

  await expect(page).toHaveURL(/\/documents$/, { timeout: 15000 });
  if (onDocuments) await onDocuments();
  await page.getByLabel(de ? 'Dokument' : 'Document', { exact: true }).selectOption('Passport');
  await page.getByLabel(de ? 'Ausgestellt von' : 'Issued by').selectOption('DE');
  await page.getByRole('button', { name: de ? 'Weiter' : 'Continue' }).click();
  // A German passport shows no address: the page asks for a proof of address.
  await expect(page.getByLabel(de ? 'Adressnachweis' : 'Proof of address', { exact: true })).toBeVisible();
  await page.getByLabel(de ? 'Adressnachweis' : 'Proof of address', { exact: true }).selectOption('GAS_BILL');
  const recent = new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10);
  await page.getByLabel(de ? /Ausstellungsdatum/ : /Issue date/).fill(recent);
  await shot(page, info, '06-documents');
  await page.getByRole('button', { name: de ? 'Weiter' : 'Continue' }).click();

  await expect(page).toHaveURL(/\/checklist$/, { timeout: 15000 });
  await shot(page, info, '07-checklist');
  await page.getByRole('button', { name: de ? 'Ich bin bereit' : 'I am ready' }).click();
  await expect(page).toHaveURL(/\/identification\/start$/);
  await shot(page, info, '08-redirect');
  if (until === 'redirect') return;
  await page.getByRole('button', { name: de ? 'Zur Videoidentifikation' : 'Go to the video identification' }).click();
  await expect(page).toHaveURL(/\/sandbox\/idnow\//);
}

/// The sandbox's IDnow page, in the identification's language: consent and the mobile number.
async function idnowSession(page, info, { lang = 'en' } = {}) {
  const de = lang === 'de';
  await page.getByLabel(de ? /Allgemeinen Geschäftsbedingungen/ : /terms and conditions/).check();
  await page.getByLabel(de ? /aufgezeichnet/ : /recorded/).check();
  await page.getByLabel(de ? /gültiges Ausweisdokument/ : /valid ID document/).check();
  await page.getByLabel(de ? /^Mobilnummer/ : /^Mobile number/).fill('+15550101');
  await shot(page, info, '09-idnow');
  await page.getByRole('button', { name: de ? 'Identifikation starten' : 'Start identification' }).click();
}

/// The ident code that ends the simulated call.
async function identCode(page, { lang = 'en', code = '123456' } = {}) {
  const de = lang === 'de';
  await page.getByLabel(de ? 'Ident-Code' : 'Ident code').fill(code);
  await page.getByRole('button', { name: de ? 'Bestätigen' : 'Confirm' }).click();
}

module.exports = { shot, signUp, idnowSession, identCode };
