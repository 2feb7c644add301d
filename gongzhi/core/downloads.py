"""Serving a stored upload to a user who passed a scope check. Uploads are never served from
MEDIA_URL (gongzhi/urls.py has no media route, and the proxy must not expose MEDIA_ROOT): each
kind of file has a view that finds it through its app's scoped selector, then calls `serve`."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

# Raster images a browser may show in the page; everything else (PDF, audio, video, unknown) is
# downloaded. SVG is not here: it can carry script.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "image/heic"})


def serve(file: FieldFile, *, content_type: str, name: str = "") -> FileResponse:
    """`file` with its stored (sniffed at upload) content type, never sniffed by the browser;
    inline for raster images, as a download otherwise. A file missing on disk is a 404."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = content_type or "application/octet-stream"
    response = FileResponse(
        handle, content_type=content_type, as_attachment=content_type not in INLINE_TYPES, filename=name or ""
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
