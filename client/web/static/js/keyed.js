// keyed.js: lists drawn by key, for the tablet and the phone. A view that redraws a whole list on every
// event throws away the element under the user's finger: keyboard focus
// falls to <body>, a half-typed select closes, a second Enter on "+" does
// nothing. keyed() keeps each item's element from one draw to the next,
// changes only what differs, and moves an element only when the order
// changed, so a focused button stays focused while notes arrive around it.

import { el } from './ui.js';

// keyed makes parent's children the elements of items, in order. key(item)
// names an item across draws; make(item) builds a new element for it;
// update(element, item) brings an element up to date (it runs on new and
// kept elements alike). Children with no key are dropped.
export function keyed(parent, items, key, make, update) {
  const old = new Map();
  for (const c of [...parent.children]) {
    if (c.dataset.key === undefined) c.remove(); // an "empty" line, say
    else old.set(c.dataset.key, c);
  }
  const kept = new Set();
  let prev = null;
  for (const item of items) {
    const k = String(key(item));
    let node = old.get(k);
    if (!node || kept.has(node)) {
      node = make(item);
      node.dataset.key = k;
    }
    update(node, item);
    kept.add(node);
    const want = prev ? prev.nextElementSibling : parent.firstElementChild;
    if (want !== node) parent.insertBefore(node, want);
    prev = node;
  }
  for (const c of old.values()) if (!kept.has(c)) c.remove();
}

// setText writes text only when it differs: an unchanged text node keeps a
// screen reader's place and costs no layout.
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// setAttr sets an attribute (false, null or undefined removes it) only
// when it differs.
export function setAttr(node, name, value) {
  if (value === false || value === null || value === undefined) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
    return;
  }
  const v = value === true ? '' : String(value);
  if (node.getAttribute(name) !== v) node.setAttribute(name, v);
}

// setOptions fills a select only when its list changed: rewriting the
// options of an open list would close it under the user's finger.
export function setOptions(sel, options, value) {
  const sig = JSON.stringify(options);
  if (sel.dataset.sig !== sig) {
    sel.replaceChildren(...options.map(([v, text]) => el('option', { value: v, text })));
    sel.dataset.sig = sig;
  }
  if (value !== undefined && sel.value !== String(value)) sel.value = String(value);
}
