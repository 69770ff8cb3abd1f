"""The type of what the test client answers, for the tests' helpers that read a response.

django-stubs calls it `_MonkeyPatchedWSGIResponse`, a class that exists only in the stubs:
a response with the test client's extras (`.content`, `.json()`, `.context`,
`.redirect_chain`, `.wsgi_request`). At run time the name stands for `HttpResponse`; it is
only ever used in annotations.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as ClientResponse
else:
    from django.http import HttpResponse as ClientResponse

__all__ = ["ClientResponse"]
