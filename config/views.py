"""`/bench/ceiling/`: the benchmark's ceiling — the cheapest response this stack can give.

A plain Django view behind the same middleware as every page, with no database, session or
template: whatever a page costs above it is the page's own. `make bench` reports each page's
throughput as a share of this one's (bench/results.md). Harmless in production: it reveals
nothing and changes nothing."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def ceiling(request):
    return HttpResponse(b"ok\n", content_type="text/plain")
