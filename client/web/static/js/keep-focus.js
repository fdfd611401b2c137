// keep-focus.js: focus that survives a keyed list moving its rows.
// keepFocus runs draw (a keyed redraw of list) and gives focus back to the
// control that had it, if the draw moved its row: moving an element in the
// page drops its focus, and a starred question or a flagged contribution
// moves up the list under the facilitator's finger.
export function keepFocus(list, draw) {
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  draw();
  if (focused && focused.isConnected && document.activeElement !== focused) focused.focus();
}
