#!/usr/bin/env bash
# Starts a real XMPP server (Debian's prosody) for the Jabber channel's tests and exports
# KIOS_TEST_XMPP=127.0.0.1:PORT for them. Source it from .ci/run (". .ci/prosody.sh").
#
# The server is private to the tests: its own config, data and self-signed certificate under
# $KIOS_PROSODY_DIR (default /tmp/kios-prosody), listening on 127.0.0.1 only (c2s, STARTTLS
# required, no s2s, no HTTP), with two accounts on the virtual host "localhost":
#   kios@localhost / kios-test-pw   (the account Kios logs in as)
#   budi@localhost / budi-test-pw   (a reseller chatting with it)
#   eve@localhost  / eve-test-pw    (someone no reseller bound)
# KIOS_TEST_XMPP_CA names the certificate, for the tests to verify the server with.
# prosody is installed from Debian's packages when missing (as root, with apt-get). Without it
# the Jabber tests skip locally, saying why; CI refuses to go on without it (.ci/run).

: "${KIOS_PROSODY_DIR:=/tmp/kios-prosody}"
: "${KIOS_PROSODY_PORT:=5299}"

kios_xmpp_up() {
	(exec 3<>"/dev/tcp/127.0.0.1/$KIOS_PROSODY_PORT") 2>/dev/null
}

kios_prosody_start() {
	if ! command -v prosody >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
		if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
			echo "installing prosody (Debian) for the Jabber tests"
			DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
			# The package's own service is not started (policy-rc.d, or no init); ours is.
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prosody openssl >/dev/null
		else
			return 1
		fi
	fi
	command -v prosody >/dev/null 2>&1 || return 1
	local dir="$KIOS_PROSODY_DIR"
	mkdir -p "$dir/data" "$dir/certs"
	if [[ ! -f "$dir/certs/localhost.crt" ]]; then
		openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
			-addext "subjectAltName=DNS:localhost" \
			-keyout "$dir/certs/localhost.key" -out "$dir/certs/localhost.crt" >/dev/null 2>&1 || return 1
	fi
	cat >"$dir/prosody.cfg.lua" <<CFG
-- Written by .ci/prosody.sh for Kios's tests; not for production.
pidfile = "$dir/prosody.pid"
data_path = "$dir/data"
run_as_root = true
daemonize = true
log = { info = "$dir/prosody.log"; error = "$dir/prosody.err" }
interfaces = { "127.0.0.1" }
c2s_ports = { $KIOS_PROSODY_PORT }
c2s_direct_tls_ports = { }
s2s_ports = { }
http_ports = { }
https_ports = { }
admin_socket = "$dir/prosody.sock"
c2s_require_encryption = true
allow_registration = false
authentication = "internal_hashed"
storage = "internal"
limits = { c2s = { rate = "100mb/s" } }
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "posix"; "offline"; "presence"; "message"; "iq" }
modules_disabled = { "s2s" }
ssl = { key = "$dir/certs/localhost.key"; certificate = "$dir/certs/localhost.crt" }
VirtualHost "localhost"
CFG
	chmod 600 "$dir/certs/localhost.key"
	prosodyctl --config "$dir/prosody.cfg.lua" register kios localhost kios-test-pw >/dev/null 2>&1 || return 1
	prosodyctl --config "$dir/prosody.cfg.lua" register budi localhost budi-test-pw >/dev/null 2>&1 || return 1
	prosodyctl --config "$dir/prosody.cfg.lua" register eve localhost eve-test-pw >/dev/null 2>&1 || return 1
	if ! kios_xmpp_up; then
		prosody --config "$dir/prosody.cfg.lua" >/dev/null 2>&1 || return 1
		for _ in $(seq 1 30); do
			kios_xmpp_up && break
			sleep 0.5
		done
	fi
	kios_xmpp_up
}

if kios_prosody_start; then
	export KIOS_TEST_XMPP="127.0.0.1:$KIOS_PROSODY_PORT"
	export KIOS_TEST_XMPP_CA="$KIOS_PROSODY_DIR/certs/localhost.crt"
	echo "XMPP tests on prosody at $KIOS_TEST_XMPP"
else
	echo "prosody not available: the Jabber tests skip" >&2
	unset KIOS_TEST_XMPP KIOS_TEST_XMPP_CA
fi
unset -f kios_xmpp_up kios_prosody_start
