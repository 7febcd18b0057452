"""Template helpers for the staff forms (templates/form_fields.html)."""

from django import template

register = template.Library()

UNMARKED = ("checkbox", "hidden")


@register.filter
def marks_compulsory(form) -> bool:
    """Whether the form's compulsory fields should say so: only where some other field may be
    left empty (a form where everything is compulsory needs no marks). Checkboxes say what they
    mean in their own label and count for neither side."""
    required = [f.field.required for f in form.visible_fields() if f.widget_type not in UNMARKED]
    return any(required) and not all(required)
