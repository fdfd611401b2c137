// people.js: the tablet's list of the people in the room. The facilitator
// makes a host in a tap, mutes and removes (removal asks first, in the
// row), and sees how many joined in the last minute, so that a burst of
// scripted joins stands out.
import { t } from './i18n.js';
import { keyed, setAttr, setText } from './keyed.js';
import { groupName } from './names.js';
import { joinsWithin } from './state.js';
import { $, el } from './ui.js';

// The people list: who is being asked "remove?", and each person's last
// refusal (such as "table 3 already has a host"), shown beside their row.
let confirming = '';
const rowErrors = new Map();
const PEOPLE_SHOWN = 60; // rows drawn at once; the filter finds the others
// BURST_PER_MIN joins in a minute is more than a room arriving: scripted
// joins, most likely. The tablet says so.
const BURST_PER_MIN = 20;

// wirePeople answers the list's buttons; redraw draws the tablet again.
export function wirePeople(conn, redraw) {
  // Each answer or refusal shows on the person's row.
  const personAct = async (pid, type, data) => {
    rowErrors.delete(pid);
    try {
      await conn.send(type, { participant_id: pid, ...data });
    } catch (ex) {
      rowErrors.set(pid, ex.code === 'offline' ? t('error.notConnected') : ex.message);
    }
    redraw();
  };
  $('#people').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b) return;
    const pid = b.closest('li[data-pid]')?.dataset.pid;
    const p = pid && conn.state?.people.get(pid);
    if (!p) return;
    switch (b.dataset.action) {
      case 'role': personAct(pid, 'participant.role', { role: p.role === 'host' ? 'attendee' : 'host' }); break;
      case 'mute': personAct(pid, 'participant.mute', { muted: !p.muted }); break;
      case 'remove':
        confirming = pid;
        rowErrors.delete(pid);
        redraw();
        document.querySelector(`li[data-pid="${CSS.escape(pid)}"] button[data-action="remove-cancel"]`)?.focus();
        break;
      case 'remove-cancel':
        confirming = '';
        redraw();
        document.querySelector(`li[data-pid="${CSS.escape(pid)}"] button[data-action="remove"]`)?.focus();
        break;
      case 'remove-confirm': confirming = ''; personAct(pid, 'participant.remove', {}); break;
    }
  });
  $('#people-filter').addEventListener('input', () => renderPeople(conn));
}

// personLabel is how the tablet names a person in its list. An anonymous
// person shows neither name nor group.
function personLabel(p) {
  if (p.anonymous) return t('name.anonymous');
  return p.name || t('name.none');
}

export function renderPeople(conn) {
  const st = conn.state;
  const show = st.phase !== 'closed';
  $('#people-panel').hidden = !show;
  if (!show) return;
  const filter = $('#people-filter').value.trim().toLowerCase();
  let people = [...st.people.values()];
  if (filter) {
    people = people.filter((p) => personLabel(p).toLowerCase().includes(filter) || String(p.table) === filter.replace(/^table\s*/, ''));
  }
  people.sort((a, b) => a.table - b.table || (b.role === 'host') - (a.role === 'host') || personLabel(a).localeCompare(personLabel(b)));
  const shown = people.slice(0, PEOPLE_SHOWN);
  $('#people-more').hidden = shown.length === people.length;
  setText($('#people-more'), t('fac.people.more', { shown: shown.length, total: people.length }));
  const list = $('#people');
  if (!people.length) {
    list.replaceChildren(el('li', { class: 'empty', text: filter ? t('fac.people.noMatch') : t('fac.people.nobody') }));
    return;
  }
  keyed(list, shown, (p) => p.id,
    (p) => el('li', { 'data-pid': p.id },
      el('span', { class: 'person-name', dir: 'auto' }),
      el('span', { class: 'person-facts' }),
      el('span', { class: 'person-actions' },
        el('button', { type: 'button', class: 'small-btn', 'data-action': 'role' }),
        el('button', { type: 'button', class: 'small-btn', 'data-action': 'mute' }),
        el('button', { type: 'button', class: 'small-btn danger', 'data-action': 'remove' }, t('fac.person.remove'))),
      el('p', { class: 'error row-error', role: 'alert', hidden: true }),
      el('div', { class: 'confirm', role: 'alertdialog', hidden: true },
        el('p'),
        el('button', { type: 'button', class: 'small-btn danger', 'data-action': 'remove-confirm' }, t('fac.person.removeForGood')),
        el('button', { type: 'button', class: 'small-btn secondary', 'data-action': 'remove-cancel' }, t('action.cancel')))),
    (li, p) => updatePerson(st, li, p));
}

function updatePerson(st, li, p) {
  const label = personLabel(p);
  const host = p.role === 'host';
  const [name, facts, actions, error, ask] = li.children;
  const [role, mute, remove] = actions.children;
  setAttr(li, 'class', p.muted ? 'person muted' : 'person');
  setAttr(li, 'data-role', p.role);
  setAttr(li, 'data-muted', String(!!p.muted));
  setText(name, label);
  setText(facts, [t('table.n', { table: p.table }), host ? t('fac.person.host') : '', p.muted ? t('fac.person.muted') : '',
    !p.anonymous && p.group ? groupName(st, p.group) : ''].filter(Boolean).join(t('list.dot')));
  setAttr(role, 'aria-pressed', String(host));
  setAttr(role, 'aria-label', t(host ? 'fac.person.unhostAria' : 'fac.person.hostAria', { name: label, table: p.table }));
  setText(role, host ? t('fac.person.unhost') : t('fac.person.makeHost'));
  setAttr(mute, 'aria-pressed', String(!!p.muted));
  setAttr(mute, 'aria-label', t(p.muted ? 'fac.person.unmuteAria' : 'fac.person.muteAria', { name: label }));
  setText(mute, p.muted ? t('fac.person.unmute') : t('fac.person.mute'));
  setAttr(remove, 'aria-label', t('fac.person.removeAria', { name: label }));
  const err = rowErrors.get(p.id) || '';
  error.hidden = !err;
  setText(error, err);
  ask.hidden = confirming !== p.id;
  setAttr(ask, 'aria-label', t('fac.person.removeAsk', { name: label }));
  setText(ask.firstChild, t('fac.person.removeConfirm', { name: label }));
}

// renderJoinRate says how many joined in the last minute, and marks a burst:
// scripted joins stand out from a room arriving.
export function renderJoinRate(conn) {
  const n = joinsWithin(conn.state, conn.now());
  const burst = n > BURST_PER_MIN;
  const line = $('#join-rate');
  setText(line, n === 0 ? t('fac.joins.none') : t(burst ? 'fac.joins.burst' : 'fac.joins', { n }));
  line.dataset.burst = String(burst);
  line.dataset.count = String(n);
}
