# Sourced by the tests against the test DC: valid_json DOCUMENT FILE... fails
# the test unless each FILE is a valid #/$defs/DOCUMENT of man/odj-json.schema.json.
valid_json() {
	"$ODJ_SOURCE_DIR/tests/cli/validate-json.py" "$ODJ_SOURCE_DIR/man/odj-json.schema.json" "$@" ||
		fail "not a valid $1: ${*:2}"
}
