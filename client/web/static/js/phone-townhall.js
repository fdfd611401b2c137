// phone-townhall.js: the town hall on a phone: the presentation (its title,
// who presents it, a link to its slides) and the stage, and, the moment the
// facilitator gives this person the floor, "You have the floor" in large
// type (and a short buzz where the phone can). Raising a hand stays where it
// was (phone-lists.js).
import { t } from './i18n.js';
import { townHallRunning } from './consultation-state.js';
import { safeLink, stageLabel } from './townhall-words.js';
import { $ } from './ui.js';

let hadFloor = false;

export function renderPhoneTownHall(st, pid) {
  const th = st.town_hall;
  const on = townHallRunning(st);
  $('#th-card').hidden = !on;
  const floor = on && (th.current?.kind === 'hand' ? th.current.id === pid : st.speaker === pid);
  $('#th-floor').hidden = !floor;
  if (floor && !hadFloor) navigator.vibrate?.(200);
  hadFloor = floor;
  if (!on) return;
  $('#th-card-stage').textContent = stageLabel(th.stage);
  $('#th-card-title').textContent = th.title || '';
  $('#th-card-title').hidden = !th.title;
  $('#th-card-presenter').textContent = th.presenter ? t('wall.th.presenter', { name: th.presenter }) : '';
  $('#th-card-presenter').hidden = !th.presenter;
  const link = safeLink(th.link || '');
  $('#th-card-link-line').hidden = !link;
  if (link && $('#th-card-link').href !== link) {
    $('#th-card-link').href = link;
    $('#th-card-link').textContent = t('att.th.slides');
  }
}
