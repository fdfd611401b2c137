// conclusion-panel.js: the facilitator writes the conclusion of the whole
// consultation, which closes its report. It is saved when the box loses
// focus or on Save. Until the server has it, every keystroke is kept on
// this tablet (localStorage), so a reload, a dropped link or a flat
// battery loses nothing: the draft comes back in the box and is sent again
// once the tablet is connected.
import { t } from './i18n.js';
import { setText } from './keyed.js';
import { errorText } from './panel-errors.js';
import { $, load, save } from './ui.js';

const MAX_RUNES = 8000; // protocol.MaxConclusionRunes

let draftKey = '';
let sending = false;
let wasLive = false; // a draft left unsent is sent again on each return to live

const runes = (s) => [...s].length;

function draft() {
  const d = load(draftKey);
  return typeof d === 'string' ? d : null;
}

export function wireConclusion(conn, cafe) {
  draftKey = `wc.concl.${cafe}`;
  const box = $('#concl-text');
  const kept = draft();
  if (kept !== null) box.value = kept;
  box.addEventListener('input', () => {
    save(draftKey, box.value);
    showState(t('fac.concl.draft'));
    showCount();
  });
  box.addEventListener('blur', () => flush(conn));
  $('#concl-save').addEventListener('click', () => flush(conn));
  showCount();
}

// flush sends the draft, if there is one; the draft stays until the
// server acknowledges that very text.
async function flush(conn) {
  const text = draft();
  if (text === null || sending) return;
  const err = $('#concl-error');
  err.hidden = true;
  if (runes(text.trim()) > MAX_RUNES) {
    setText(err, t('fac.concl.tooLong', { max: MAX_RUNES }));
    err.hidden = false;
    return;
  }
  sending = true;
  showState(t('fac.concl.saving'));
  try {
    await conn.send('consultation.conclude', { text: text.trim() });
    if (draft() === text) localStorage.removeItem(draftKey);
    showState(draft() === null ? t('fac.concl.saved') : t('fac.concl.draft'));
  } catch (ex) {
    setText(err, errorText(ex));
    err.hidden = false;
    showState(t('fac.concl.draft'));
  } finally {
    sending = false;
  }
}

// renderConclusion shows the café's conclusion unless a draft of this
// tablet is waiting; it runs on every change of the state or connection.
export function renderConclusion(conn) {
  if (!conn.state) return;
  const box = $('#concl-text');
  const kept = draft();
  if (kept === null && document.activeElement !== box && box.value !== conn.state.conclusion) {
    box.value = conn.state.conclusion;
    showCount();
  }
  const live = conn.status === 'live';
  if (kept !== null && live && !wasLive && document.activeElement !== box) {
    showState(t('fac.concl.draft'));
    flush(conn);
  }
  wasLive = live;
}

function showState(text) { setText($('#concl-state'), text); }

function showCount() {
  setText($('#concl-count'), t('fac.concl.count', { n: runes($('#concl-text').value), max: MAX_RUNES }));
}
