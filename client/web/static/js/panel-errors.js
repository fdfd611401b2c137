// panel-errors.js: what the tablet's panels share about a person's next
// move: how a refusal is worded (the server's message is meant for people;
// a command that could not even leave the tablet says so in the tablet's
// language), shown by its field, and focus kept through a redraw.
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

// keepFocus runs draw (a keyed redraw of list) and gives focus back to the
// control that had it, if the draw moved its row: moving an element in the
// page drops its focus, and a starred question or a flagged contribution
// moves up the list under the facilitator's finger.
export function keepFocus(list, draw) {
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  draw();
  if (focused && focused.isConnected && document.activeElement !== focused) focused.focus();
}
