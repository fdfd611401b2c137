package server

import "strings"

// The pieces of the public pages' forms, as the templates draw them: each
// field with its label, its limit, what the person typed when the form was
// refused, and the error linked to it (aria-describedby), so a screen
// reader reads the error with the field.

type fieldView struct {
	ID, Name, Label, Optional string
	Value, Error, ErrID       string
	Autocomplete              string
	Max, Rows                 int
	Textarea, Required        bool
}

// Field is field name of form action (about item on) of this page.
func (p *page) Field(action, on, name, labelKey string, max int, textarea, required bool) fieldView {
	id := fieldID(action, on, name)
	f := p.FormFor(action, on)
	v := fieldView{ID: id, Name: name, Label: p.T(labelKey), Value: f.Value(name), Error: f.Err(name),
		ErrID: id + "-error", Max: max, Textarea: textarea, Required: required, Autocomplete: "off"}
	if !required {
		v.Optional = p.T("public.form.optional")
	}
	if name == "name" {
		v.Autocomplete = "nickname"
	}
	if textarea {
		v.Rows = 4
		if action == "comment" {
			v.Rows = 2
		}
	}
	return v
}

type groupField struct {
	fieldView
	None    string
	Options []groupOption
}

// GroupField is the stakeholder group select of a form.
func (p *page) GroupField(action, on string) groupField {
	id := fieldID(action, on, "group")
	f := p.FormFor(action, on)
	return groupField{
		fieldView: fieldView{ID: id, Label: p.T("public.form.group"), Optional: p.T("public.form.optional"),
			Value: f.Value("group"), Error: f.Err("group"), ErrID: id + "-error"},
		None: p.T("public.form.noGroup"), Options: p.Groups,
	}
}

func fieldID(action, on, name string) string {
	return strings.Join([]string{"f", action, on, name}, "-")
}

// part is a form or a thread about one item, drawn under it.
type part struct {
	P    *page
	On   string
	Base string // the page path its forms post under ("/q/2", "/townhall")
	Item itemView
}

// Part is the flag form of item on.
func (p *page) Part(on, base string) part { return part{P: p, On: on, Base: base} }

// Thread is an item's comments and comment form.
func (p *page) Thread(item itemView, base string) part {
	return part{P: p, On: item.ID, Base: base, Item: item}
}

// LostForm says whether the refused form is one this page does not draw
// (a comment on an item the moderator hid meanwhile, say): then its error,
// and the person's text to copy, go at the top of the page.
func (p *page) LostForm() bool {
	f := p.Form
	if f == nil {
		return false
	}
	switch f.Action {
	case actContribute:
		return p.Question == nil || !p.Open()
	case actAsk:
		return p.Hall == nil || !p.Hall.Asking
	}
	item, ok := p.item(f.On)
	if !ok {
		return true
	}
	if f.Action == actFlag {
		return item.Hidden
	}
	return !item.Open
}

// item finds an item the page shows by its id.
func (p *page) item(id string) (itemView, bool) {
	var all []itemView
	if q := p.Question; q != nil {
		for _, g := range q.Groups {
			all = append(all, g.Items...)
		}
		for _, th := range q.Room {
			all = append(all, th.Notes...)
		}
	}
	if p.Hall != nil {
		all = append(all, p.Hall.Questions...)
	}
	if p.Item != nil {
		all = append(all, p.Item.Item)
	}
	for _, it := range all {
		if it.ID == id {
			return it, true
		}
		for _, c := range it.Comments {
			if c.ID == id {
				return c, true
			}
		}
	}
	return itemView{}, false
}

// lostField is a text of a refused form the page does not draw, shown
// read-only under the error, so that nothing the person typed is lost.
type lostField struct{ ID, Label, Value string }

// lostLabels are each form's texts worth keeping, with their labels.
var lostLabels = map[string][][2]string{
	actContribute: {{"title", "public.form.title"}, {"text", "public.form.text"}},
	actComment:    {{"text", "public.comment.text"}},
	actFlag:       {{"reason", "public.flag.reason"}},
	actAsk:        {{"text", "public.th.question"}},
}

// LostFields are the refused form's texts the person typed, for a form
// the page does not draw (LostForm).
func (p *page) LostFields() []lostField {
	var out []lostField
	for _, l := range lostLabels[p.Form.Action] {
		if v := p.Form.Value(l[0]); v != "" {
			out = append(out, lostField{ID: "lost-" + l[0], Label: p.T(l[1]), Value: v})
		}
	}
	return out
}
