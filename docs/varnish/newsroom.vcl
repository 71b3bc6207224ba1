# Varnish in front of Newsroom: pages cached as long as the site says front caches may keep
# them (Cache-Control s-maxage, SHARED_CACHE_SECONDS), and dropped by key when what they show
# changes: the site sends PURGE requests naming the keys (FRONT_CACHE_URLS), each page says
# its keys in its xkey header. Needs Debian's varnish-modules (the xkey module).
#
#   varnishd -a :80 -f /path/to/newsroom.vcl -s malloc,1G
#
# Purges are soft: a purged page is no longer served while the site is up, and is kept to be
# served should the site fail (stale-if-error), for up to a day.
vcl 4.1;

import std;
import xkey;

backend newsroom {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = {
        .url = "/robots.txt";
        .interval = 5s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
        # Taken as up when Varnish starts, until probes say otherwise.
        .initial = 2;
    }
}

# Who may purge: the site's own servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys in an xkey-purge header"));
        }
        set req.http.x-purged = xkey.softpurge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff pages and anything a signed-in user sees are never shared.
    if (req.url ~ "^/(admin|accounts)(/|$)" || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Readers' pages are the same for everyone: their cookies do not matter.
    unset req.http.Cookie;
    # While the site is up, nothing stale is served: a purged or expired page is fetched anew.
    # When it is down, pages up to a day old are (the site's stale-if-error).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "private|no-store|no-cache") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # A failing site does not replace a good page: the one kept is served instead.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    set beresp.grace = 24h;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The keys are for this cache, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
