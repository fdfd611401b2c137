// panel-errors.js: how the tablet's panels word a refusal. The server's
// message is meant for people; a command that could not even leave the
// tablet says so in the tablet's language. A refusal about a field shows
// by that field.
import { t } from './i18n.js';

export function errorText(ex) {
  return ex.code === 'offline' ? t('error.notConnected') : ex.message;
}

// fieldError shows msg under a form field (or hides it when msg is empty),
// linked to the field for a screen reader.
export function fieldError(input, errEl, msg) {
  errEl.textContent = msg;
  errEl.hidden = !msg;
  if (msg) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', errEl.id);
  } else {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
}
