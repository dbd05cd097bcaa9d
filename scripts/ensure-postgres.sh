# Sourced by `make test`: makes sure a local PostgreSQL 15 runs and exports ARC_TEST_PG_URL,
# a superuser connection string the PostgreSQL half of the suite creates its databases with.
# Installs the Debian package and creates the cluster when missing (needs root, as in CI).
if [ -z "${ARC_TEST_PG_URL:-}" ]; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pg_version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$pg_version main$"; then
    pg_createcluster "$pg_version" main >/dev/null
  fi
  if ! pg_lsclusters -h | grep -q "^$pg_version *main .*online"; then
    pg_ctlcluster "$pg_version" main start
  fi
  port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="main" {print $3}')
  su postgres -c "psql -q -p $port -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'arc') THEN CREATE ROLE arc LOGIN SUPERUSER PASSWORD 'arc'; END IF; END \\\$\\\$;\"" >/dev/null
  export ARC_TEST_PG_URL="postgres://arc:arc@127.0.0.1:$port/postgres"
fi
