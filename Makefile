# The two quick-start commands (see README): `make run` and `make test`. Both install what they need.

SAMPLE := data/sample
OUT ?= out/sample

.PHONY: run scan test setup bench

setup:
	@bash .ci/setup

# Serve the sample county shipped in data/sample with the web map (http://127.0.0.1:8080/map/).
run: setup
	bash web/build.sh
	cargo run --release --quiet -- serve

# Scan the sample county and print the worst schools; files land in $(OUT)/.
scan: setup
	cargo run --release --quiet -- scan \
	  --schools $(SAMPLE)/schools.shp --schools $(SAMPLE)/school_points.shp \
	  --gates $(SAMPLE)/gates.geojson \
	  --venues $(SAMPLE)/venues.csv --venues-crs gcj02 \
	  --water $(SAMPLE)/water.geojson \
	  --out $(OUT)

# Every test: formatting, lints, unit, integration and doc tests, then the web page's unit and
# headless-browser tests (web/build.sh and web/test/setup.sh install npm packages and Chromium when missing).
# Incremental build state is of no use to a one-off run and takes gigabytes of disk.
test: export CARGO_INCREMENTAL = 0
test: setup
	cargo fmt --check
	cargo clippy --all-targets --quiet -- -D warnings
	cargo test --lib --bins --tests --quiet
	cargo test --doc --quiet
	bash web/build.sh
	bash web/test/setup.sh
	cd web && npm test
	cargo build --quiet
	bash web/test/against-server.sh target/debug/perimeter serve

bench: setup
	cargo bench --bench scan
	cargo bench --bench posts
