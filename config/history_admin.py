"""The admin's history pages, read-only: a past version is shown, never saved back.

django-simple-history's version page posts its form straight to ``save_model``: it would
restore an agreement's own fields without its parties, signatures or sources, skip the
rules that span them and the search-text refresh. The admin's change form is the one way to
edit; a POST to a version page is refused.
"""

from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_form_view(request, object_id, version_id, extra_context)
