// Every browser test's `page` keeps the HTML the app served for each document it loaded (a
// 422 re-render after a POST included), so that run.sh can check all of it with the Nu HTML
// checker. The served text is what is checked, not the browser's DOM.
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
    await use(page);
    await Promise.all(saved);
  },
});
exports.expect = base.expect;
