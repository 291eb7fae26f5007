# PostgreSQL from Debian's packages, a private cluster on 127.0.0.1 only, for the storage tests
# (exports VIGIL_TEST_POSTGRES, an Npgsql connection string to a database the tests may drop and create).

need_packages postgresql || return 1
_pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$_pg_bin" ]; then echo "test.sh: PostgreSQL binaries not found under /usr/lib/postgresql" >&2; return 1; fi

_pg_dir="$VIGIL_TEST_TMP/postgres"
_pg_port=$(free_port)
mkdir -p "$_pg_dir"
# PostgreSQL refuses to run as root; the cluster belongs to the 'postgres' user Debian creates.
_pg_user=$(id -un)
_pg_run=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$_pg_dir"; _pg_user=postgres; _pg_run=(runuser -u postgres --)
fi
"${_pg_run[@]}" "$_pg_bin/initdb" -D "$_pg_dir/data" -U vigil --auth=trust -E UTF8 >/dev/null ||
  { echo "test.sh: initdb failed" >&2; return 1; }
"${_pg_run[@]}" "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -l "$_pg_dir/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $_pg_port -k $_pg_dir -c fsync=off -c max_connections=200" start >/dev/null ||
  { echo "test.sh: PostgreSQL did not start (see $_pg_dir/log)" >&2; return 1; }
on_exit "${_pg_run[*]} $_pg_bin/pg_ctl -D $_pg_dir/data -m immediate stop"
export VIGIL_TEST_POSTGRES="Host=127.0.0.1;Port=$_pg_port;Username=vigil;Database=postgres"
echo "test.sh: PostgreSQL on 127.0.0.1:$_pg_port" >&2
