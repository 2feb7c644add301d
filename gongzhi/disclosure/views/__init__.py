"""The open books' pages, one module per concern; `urls.py` joins their `urlpatterns`.

- staff.py, committee.py, money.py …: the staff and committee pages (sign-in required).
- public.py (owned by the public-pages helper): the pages without login.
"""
