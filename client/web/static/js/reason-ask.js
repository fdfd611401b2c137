// reason-ask.js: hiding an item of the online space or the town hall, from
// the tablet. Hiding is public: the item stays listed, "hidden by the
// moderator", with the reason in place of its text. So the tablet asks for
// the reason in the item's own row (never a browser prompt, which a
// screen reader may miss and a slip of the finger confirms) and sends
// nothing without one.
//
// A ReasonAsk serves one list. Its rows are keyed and survive redraws, so
// the reason half typed stays in its field while items arrive around it.
import { t } from './i18n.js';
import { setAttr, setText } from './keyed.js';
import { errorText } from './panel-errors.js';
import { el } from './ui.js';

const MAX_REASON = 200; // protocol.MaxReasonRunes

export class ReasonAsk {
  // prefix keeps the ids of two lists apart; gone() is where focus goes
  // when a hidden item leaves its list (a queue lists no hidden question).
  constructor(prefix, gone = () => {}) {
    this.prefix = prefix;
    this.gone = gone;
    this.open = ''; // the item whose reason is being asked
    this.errors = new Map(); // item id → the last refusal, shown in its row
  }

  // buttons makes an item's Hide… and Unhide buttons.
  buttons(id) {
    return [
      el('button', { type: 'button', class: 'small-btn danger', 'data-action': 'hide', 'data-item': id, 'aria-expanded': 'false' }, t('fac.online.hide')),
      el('button', { type: 'button', class: 'small-btn', 'data-action': 'unhide', 'data-item': id }, t('fac.online.unhide')),
    ];
  }

  // form makes an item's reason form, hidden until asked for.
  form(id) {
    const fid = `${this.prefix}-reason-${id}`;
    return el('form', { class: 'reason-ask', 'data-hide': id, novalidate: true, hidden: true },
      el('label', { for: fid, text: t('fac.online.reason') }),
      el('input', { id: fid, name: 'reason', maxlength: MAX_REASON, dir: 'auto', autocomplete: 'off', placeholder: t('fac.online.reason.placeholder') }),
      el('p', { id: `${fid}-error`, class: 'field-error', role: 'alert', hidden: true }),
      el('div', { class: 'inline' },
        el('button', { type: 'submit', class: 'small-btn danger' }, t('fac.online.hideConfirm')),
        el('button', { type: 'button', class: 'small-btn secondary', 'data-action': 'hide-cancel', 'data-item': id }, t('action.cancel'))));
  }

  // update brings an item's buttons and form up to date; what is a short
  // text naming the item for a screen reader.
  update(hideBtn, unhideBtn, form, item, what) {
    const asking = this.open === item.id;
    hideBtn.hidden = !!item.hidden;
    unhideBtn.hidden = !item.hidden;
    setAttr(hideBtn, 'aria-expanded', String(asking));
    setAttr(hideBtn, 'aria-controls', form.querySelector('input').id);
    setAttr(hideBtn, 'aria-label', t('fac.online.hideAria', { text: what }));
    setAttr(unhideBtn, 'aria-label', t('fac.online.unhideAria', { text: what }));
    form.hidden = !asking || !!item.hidden;
    const input = form.querySelector('input');
    const err = form.querySelector('.field-error');
    const msg = this.errors.get(item.id) || '';
    setText(err, msg);
    err.hidden = !msg;
    setAttr(input, 'aria-invalid', msg ? 'true' : false);
    setAttr(input, 'aria-describedby', msg ? err.id : false);
  }

  // wire answers the buttons and forms under root. send(type, data)
  // returns a promise; redraw draws the list at once (synchronously), so
  // focus can move to what the redraw made.
  wire(root, send, redraw) {
    const focus = (id, sel) => root.querySelector(`[data-item="${CSS.escape(id)}"]${sel}`)?.focus();
    root.addEventListener('click', async (e) => {
      const b = e.target.closest('button[data-action]');
      if (!b || !root.contains(b)) return;
      const id = b.dataset.item;
      switch (b.dataset.action) {
        case 'hide':
          this.open = id;
          this.errors.delete(id);
          redraw();
          root.querySelector(`form[data-hide="${CSS.escape(id)}"] input`)?.focus();
          break;
        case 'hide-cancel':
          this.open = '';
          this.errors.delete(id);
          redraw();
          focus(id, '[data-action="hide"]');
          break;
        case 'unhide':
          this.errors.delete(id);
          try {
            await send('online.unhide', { item_id: id });
            redraw();
            focus(id, '[data-action="hide"]');
          } catch (ex) {
            this.errors.set(id, errorText(ex));
            this.open = id;
            redraw();
          }
          break;
      }
    });
    root.addEventListener('submit', async (e) => {
      const form = e.target.closest('form[data-hide]');
      if (!form) return;
      e.preventDefault();
      const id = form.dataset.hide;
      const input = form.querySelector('input');
      const reason = input.value.trim();
      if (!reason) {
        this.errors.set(id, t('fac.online.reasonMissing'));
        redraw();
        input.focus();
        return;
      }
      this.errors.delete(id);
      try {
        await send('online.hide', { item_id: id, reason });
        this.open = '';
        input.value = '';
        redraw();
        const unhide = root.querySelector(`[data-item="${CSS.escape(id)}"][data-action="unhide"]`);
        if (unhide && unhide.getClientRects().length) unhide.focus();
        else this.gone(id);
      } catch (ex) {
        this.errors.set(id, errorText(ex));
        redraw();
        input.focus();
      }
    });
  }
}
