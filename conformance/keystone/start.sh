#!/usr/bin/env bash
# Starts Debian's Keystone (package `keystone`) on 127.0.0.1 with SQLite, all state under $KS_HOME, and
# registers a Cairn at CINDER_URL as the volumev3 and block-storage service. Leaves Keystone running; its
# pid is in $KS_HOME/keystone.pid.
#
# Usage: conformance/keystone/start.sh CINDER_URL        e.g. http://127.0.0.1:18776
# Env:   KS_HOME (default ./target/conformance/keystone), KS_PORT (5000), KS_ADMIN_PASSWORD (secret)
# Creates: admin/admin (admin role), demo/demo (member, reader), and the service user cinder/service
#          (service role) that Cairn validates tokens with. Every password is $KS_ADMIN_PASSWORD.
set -euo pipefail
CINDER_URL=${1:?usage: start.sh CINDER_URL}
KS_HOME=${KS_HOME:-$PWD/target/conformance/keystone}
KS_PORT=${KS_PORT:-5000}
PASSWORD=${KS_ADMIN_PASSWORD:-secret}

if [ -f "$KS_HOME/keystone.pid" ]; then
  kill "$(cat "$KS_HOME/keystone.pid")" 2>/dev/null && sleep 1 || true
fi
rm -rf "$KS_HOME"
mkdir -p "$KS_HOME"/{fernet-keys,credential-keys}
chmod 700 "$KS_HOME"/fernet-keys "$KS_HOME"/credential-keys
cat > "$KS_HOME/keystone.conf" <<CONF
[DEFAULT]
log_file = $KS_HOME/keystone.log
[database]
connection = sqlite:///$KS_HOME/keystone.sqlite
[token]
provider = fernet
[fernet_tokens]
key_repository = $KS_HOME/fernet-keys
[credential]
key_repository = $KS_HOME/credential-keys
[cache]
enabled = false
[identity]
# bcrypt's cheapest cost: every login hashes a password, and the default cost makes each one take a
# noticeable fraction of a second; these accounts exist only for the tests.
password_hash_rounds = 4
CONF
manage() { keystone-manage --config-file "$KS_HOME/keystone.conf" "$@"; }
# eventlet prints "Exception ignored ... getcurrent" tracebacks at interpreter exit; they are harmless.
without_exit_noise() { "$@" 2>&1 | grep -v -E "getcurrent|_removeHandlerRef|_acquireLock|acquire$|get_ident|^Traceback|^Exception ignored" || true; }
started=$(date +%s)

without_exit_noise manage db_sync
# WAL is essential: in SQLite's default rollback-journal mode Keystone's second pooled connection holds a read
# transaction open, and every second write fails with "database is locked" (HTTP 500).
sqlite3 "$KS_HOME/keystone.sqlite" 'PRAGMA journal_mode=WAL;' >/dev/null
manage fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
manage credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
without_exit_noise manage bootstrap --bootstrap-password "$PASSWORD" --bootstrap-username admin \
    --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-region-id RegionOne \
    --bootstrap-admin-url "http://127.0.0.1:$KS_PORT/v3/" --bootstrap-internal-url "http://127.0.0.1:$KS_PORT/v3/" \
    --bootstrap-public-url "http://127.0.0.1:$KS_PORT/v3/"

# uwsgi with several processes when it is there, since Tempest and the clients call Keystone concurrently and
# the pbr dev server (keystone-wsgi-public) answers one request at a time. uwsgi's HTTP router holds the clients'
# keep-alive connections; with --http(11)-socket every idle keep-alive connection would pin a worker, and a
# few pooled clients (Cairn's own among them) starve Keystone.
plugins=/usr/lib/uwsgi/plugins
if command -v uwsgi >/dev/null && [ -e "$plugins/python3_plugin.so" ] && [ -e "$plugins/http_plugin.so" ]; then
  nohup uwsgi --plugins http,python3 --http "127.0.0.1:$KS_PORT" --http-keepalive \
      --wsgi-file /usr/bin/keystone-wsgi-public --processes 4 --threads 1 --master --die-on-term \
      --env "OS_KEYSTONE_CONFIG_FILES=$KS_HOME/keystone.conf" > "$KS_HOME/wsgi.out" 2>&1 &
else
  OS_KEYSTONE_CONFIG_FILES="$KS_HOME/keystone.conf" nohup keystone-wsgi-public --host 127.0.0.1 --port "$KS_PORT" \
      > "$KS_HOME/wsgi.out" 2>&1 &
fi
echo $! > "$KS_HOME/keystone.pid"
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$KS_PORT/v3/" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$KS_PORT/v3/" >/dev/null || { echo "keystone did not come up:"; tail -20 "$KS_HOME/wsgi.out"; exit 1; }

export OS_AUTH_URL="http://127.0.0.1:$KS_PORT/v3" OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin OS_PASSWORD="$PASSWORD" \
       OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne
unset OS_AUTH_TYPE OS_ENDPOINT OS_TOKEN
quietly() { "$@" -f value -c id >/dev/null; }
quietly openstack service create --name cinderv3 volumev3
quietly openstack service create --name cinder block-storage
for type in volumev3 block-storage; do
  for interface in public internal admin; do
    quietly openstack endpoint create --region RegionOne "$type" "$interface" "$CINDER_URL/v3/%(project_id)s"
  done
done
# `openstack volume create` resolves the image service's endpoint even without --image (and then never calls
# it); every real cloud has one, so the catalog gets one too. The version in its URL spares a discovery call.
quietly openstack service create --name glance image
quietly openstack endpoint create --region RegionOne image public "http://127.0.0.1:9292/v2"
quietly openstack role create member 2>/dev/null || true
quietly openstack role create reader 2>/dev/null || true
quietly openstack role create service 2>/dev/null || true
quietly openstack project create --domain Default demo
quietly openstack user create --domain Default --project demo --password "$PASSWORD" demo
openstack role add --project demo --user demo member
openstack role add --project demo --user demo reader
# Cairn's service credential, as a deployment gives Cinder's keystone_authtoken: the service role in "service".
quietly openstack project create --domain Default service
quietly openstack user create --domain Default --project service --password "$PASSWORD" cinder
openstack role add --project service --user cinder service
echo "keystone ready at http://127.0.0.1:$KS_PORT/v3 (pid $(cat "$KS_HOME/keystone.pid"), $(( $(date +%s) - started ))s)"
