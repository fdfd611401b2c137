// names.js: how a person is named on this device, in its language. Apart
// from ui.js so that a page can draw a form before it loads the café's
// state (state.js): the join form on a slow link.
import { t } from './i18n.js';
import { displayName } from './state.js';
import { GROUPS } from './ui.js';

// nameOf is "You" for this device's own person, "Someone" for an anonymous
// or unnamed one, else the name.
export function nameOf(st, id, self = '') {
  return displayName(st, id, self, { you: t('name.you'), someone: t('name.someone') });
}

// groupName names a stakeholder group: the seven standard ones in this
// device's language, a café's own ones as the facilitator wrote them.
export function groupName(st, g) {
  if (!g) return t('group.unstated');
  if (GROUPS[g]) return GROUPS[g];
  return (st.groups || []).find((x) => x.id === g)?.name || g;
}
