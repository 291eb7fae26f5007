# The scale-out tests (docs/scale-out.md): Redis from Debian's packages, a private server on 127.0.0.1
# only (its own port and directory, no persistence), stopped by test.sh's trap; exports
# VIGIL_TEST_REDIS ("127.0.0.1:PORT"). And Debian's haproxy, which the two-node test starts itself
# in front of its nodes. Without Redis the cluster tests fail (they never skip).

need_packages redis-server haproxy || return 1
# Debian starts a system-wide redis-server on 6379 when installed; the tests never use it.
_redis_dir="$VIGIL_TEST_TMP/redis"
_redis_port=$(free_port)
mkdir -p "$_redis_dir"
# No RDB/AOF (tests need none), loopback only, protected; daemonized with a pid file for the trap.
/usr/bin/redis-server --bind 127.0.0.1 --port "$_redis_port" --dir "$_redis_dir" \
  --save "" --appendonly no --protected-mode yes --daemonize yes \
  --pidfile "$_redis_dir/redis.pid" --logfile "$_redis_dir/redis.log" ||
  { echo "test.sh: redis-server did not start (see $_redis_dir/redis.log)" >&2; return 1; }
wait_for_tcp 127.0.0.1 "$_redis_port" 30 ||
  { echo "test.sh: redis-server does not listen (see $_redis_dir/redis.log)" >&2; return 1; }
on_exit "kill \$(cat '$_redis_dir/redis.pid')"
export VIGIL_TEST_REDIS="127.0.0.1:$_redis_port"
echo "test.sh: Redis on 127.0.0.1:$_redis_port" >&2
