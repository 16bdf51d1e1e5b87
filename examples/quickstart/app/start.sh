#!/bin/sh
# Serves /www on :8080; /health answers once the user from the store is readable.
mkdir -p /www
name=$(wget -qO- "$STORE_URL/kv/user-$USER_ID") || exit 1
sed "s/{{name}}/$name/" /www/index.html > /www/page.html && mv /www/page.html /www/index.html
echo ok > /www/health
exec httpd -f -p 8080 -h /www
