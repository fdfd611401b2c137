// scribe-link.js: the tablet invites a scribe, who writes the town hall's
// key findings from their own phone or laptop. Each tap mints a new link
// (the server keeps only a hash of its token, so an old link cannot be
// shown again); the link is shown to open or copy on the scribe's device.
import { t } from './i18n.js';
import { errorText } from './panel-errors.js';
import { $, postJSON } from './ui.js';

export function wireScribeLink(cafe, token) {
  const err = $('#scribe-error');
  $('#scribe-make').addEventListener('click', async () => {
    err.hidden = true;
    try {
      const data = await postJSON(`/api/cafes/${cafe}/scribe`, undefined, { Authorization: `Bearer ${token}` });
      const a = $('#scribe-link');
      a.href = data.scribe_url;
      a.textContent = data.scribe_url;
      $('#scribe-shown').hidden = false;
      $('#scribe-make').textContent = t('fac.scribe.again');
      a.focus();
    } catch (ex) {
      err.textContent = errorText(ex);
      err.hidden = false;
    }
  });
}
