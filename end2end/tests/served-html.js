// Every browser test's `page` keeps the HTML the app served for each document it loaded (a
// 422 re-render after a POST included), so that run.sh can check all of it with the Nu HTML
// checker. The served text is what is checked, not the browser's DOM. A test also fails on any
// error in the browser's console.
const base = require('@playwright/test');
const fs = require('fs');
const path = require('path');

/// Where the documents go; run.sh empties it before the tests and checks it after them.
const DIR = process.env.SERVED_HTML_DIR || path.join(__dirname, '..', 'test-results', 'served-html');

exports.test = base.test.extend({
  page: async ({ page }, use, info) => {
    fs.mkdirSync(DIR, { recursive: true });
    const saved = [];
    let n = 0;
    page.on('response', (res) => {
      const type = res.headers()['content-type'] || '';
      if (res.request().resourceType() !== 'document' || !type.startsWith('text/html')) return;
      if (res.status() >= 300 && res.status() < 400) return;
      const name = `${info.testId}-js${process.env.PW_JS === '1' ? 'on' : 'off'}-${String(n++).padStart(2, '0')}.html`;
      // A page that reloaded itself or was left at once may be gone from the browser's cache
      // already; the same page is seen again on its next load.
      saved.push(res.text()
        .then((body) => fs.writeFileSync(path.join(DIR, name), body))
        .catch((e) => console.log(`served-html: ${res.url()} not kept (${e.message.split('\n')[0]})`)));
    });
    // Zero console errors, but for the browser's note on a page answered with a 4xx status on
    // purpose (a refused form's 422, a 404, a locked link's 403).
    const errors = [];
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
      errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await use(page);
    await Promise.all(saved);
    base.expect(errors, 'console errors').toEqual([]);
  },
});
exports.expect = base.expect;
