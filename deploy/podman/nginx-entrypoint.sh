#!/bin/sh
# Entry point of deploy/podman/nginx.Containerfile: renders
# /etc/nginx/templates/*.template into /etc/nginx/conf.d/ with the environment's
# variables (only those: nginx's own $host, $cookie_… stay as they are), as the
# official nginx image's entry point does, then runs the command.
set -eu

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
