"""The meetings pages, one module per concern; `urls.py` joins their `urlpatterns`."""
