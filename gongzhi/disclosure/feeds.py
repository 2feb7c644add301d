"""The Atom feed of a community's public items (Django's syndication framework): the 30 newest
current versions, their texts masked like the public page; no author is named."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import personal_data, selectors
from .models import Item

FEED_SIZE = 30


class CommunityFeed(Feed):
    """One instance per request (it keeps the community's names while it writes the feed): use
    `community_feed` as the view."""

    feed_type = Atom1Feed

    def get_object(self, request, community_code: str):
        community = selectors.public_community(code=community_code)
        if community is None:
            raise Http404(_("Community not found."))
        community.private_names = personal_data.private_names(community)
        return community

    def title(self, obj) -> str:
        return _("Open books of %(community)s") % {"community": obj.name}

    def subtitle(self, obj) -> str:
        return _("Government affairs, community affairs and finances published by %(community)s.") % {
            "community": obj.name}

    def link(self, obj) -> str:
        return reverse("disclosure:public-board", kwargs={"community_code": obj.code})

    def items(self, obj):
        return list(selectors.public_items(community=obj, current_only=True)[:FEED_SIZE])

    def item_title(self, item: Item) -> str:
        title = personal_data.mask(item.title, names=self._names(item))
        return f"[{item.get_kind_display()}] {title}"

    def item_description(self, item: Item) -> str:
        text = personal_data.mask(item.body, names=self._names(item))
        if item.correction_reason:
            text = _("Corrected (version %(n)d): %(reason)s") % {
                "n": item.version, "reason": personal_data.mask(item.correction_reason, names=self._names(item))
            } + "\n\n" + text
        return text

    def item_link(self, item: Item) -> str:
        return reverse("disclosure:public-item", kwargs={"community_code": self._code, "item_id": item.pk})

    def item_pubdate(self, item: Item):
        return item.published_at

    def item_updateddate(self, item: Item):
        return item.published_at

    def get_feed(self, obj, request):
        self._community = obj
        self._code = obj.code
        return super().get_feed(obj, request)

    def _names(self, item: Item):
        return self._community.private_names


def community_feed(request, community_code: str):
    return CommunityFeed()(request, community_code=community_code)
