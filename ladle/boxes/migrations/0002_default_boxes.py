from django.db import migrations

from ladle.lib.markup import render_markdown

DEFAULTS = [
    ("text", "About this site", "A collaborative magazine: editors publish stories, members "
     "discuss and rate them, and the community decides what stands out.", "", ""),
    ("contribute", "Contribute", "Have a story? Submit it to the queue and the members will "
     "vote on it.", "/submit/", "Submit a story"),
    ("hotlist", "Your hotlist", "", "", ""),
    ("poll", "Poll", "", "", ""),
    ("recent_comments", "Recent comments", "", "", ""),
    ("sections", "Sections", "", "", ""),
]


def add_default_boxes(apps, schema_editor):
    Box = apps.get_model("boxes", "Box")
    if Box.objects.exists():
        return
    for position, (kind, title, text, url, link_text) in enumerate(DEFAULTS):
        Box.objects.create(kind=kind, title=title, text=text,
                           text_html=render_markdown(text, editor=True) if text else "",
                           link_url=url, link_text=link_text, position=position)


class Migration(migrations.Migration):
    dependencies = [("boxes", "0001_initial")]
    operations = [migrations.RunPython(add_default_boxes, migrations.RunPython.noop)]
