#!/bin/sh
# Entry point of deploy/podman/nginx.Containerfile: renders
# /etc/nginx/templates/*.template into /etc/nginx/conf.d/ with the environment's
# variables (only those: nginx's own $host, $cookie_… stay as they are), after
# setting NGINX_LOCAL_RESOLVERS to this container's name servers when asked —
# the same contract as the official nginx image's entry point.
set -eu

if [ -n "${NGINX_ENTRYPOINT_LOCAL_RESOLVERS:-}" ]; then
    NGINX_LOCAL_RESOLVERS=$(awk '$1 == "nameserver" { printf "%s%s", sep, ($2 ~ /:/ ? "[" $2 "]" : $2); sep = " " }' /etc/resolv.conf)
    export NGINX_LOCAL_RESOLVERS
fi

if [ -d /etc/nginx/templates ]; then
    names=$(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/${\1}/p' | tr '\n' ' ')
    for template in /etc/nginx/templates/*.template; do
        [ -f "$template" ] || continue
        target="/etc/nginx/conf.d/$(basename "$template" .template)"
        envsubst "$names" < "$template" > "$target"
        echo "nginx-entrypoint: rendered $target from $template" >&2
    done
fi

exec "$@"
